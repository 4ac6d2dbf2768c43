import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { DEPENDENCY_THROTTLED_MESSAGE, MIN_REQUESTS_FOR_ERROR_RATE } from '../../infra/constructs/alarms.ts';
import { PROBE_SOURCE } from '../../infra/constructs/synthetic.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';

let prod: Synthesized;
let dev: Synthesized;
beforeAll(() => {
  prod = synthStage('prod');
  dev = synthStage('dev');
});
const ofType = (s: Synthesized, type: string) => Object.values(s.template.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type);
const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const headings = new Set([...operations.matchAll(/^#{2,4} (.+)$/gm)].map((match) => match[1]?.trim()));
const alarmWith = (s: Synthesized, text: string) => ofType(s, 'AWS::CloudWatch::Alarm').find((a) => String(a.Properties.AlarmDescription).includes(text));

describe('alarms that see (issue 18, point 7)', () => {
  it('the synthetic probe lists the forms every minute and its alarm treats a missing probe as breaching', () => {
    prod.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { ZipFile: PROBE_SOURCE },
      Environment: { Variables: { BASE_URL: 'https://api.formulare.landkreis.example/' } },
    });
    expect(PROBE_SOURCE).toContain("new URL('forms', process.env.BASE_URL)");
    prod.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    expect(alarmWith(prod, 'synthetic probe')?.Properties).toMatchObject({ TreatMissingData: 'breaching' });
    expect(alarmWith(prod, 'synthetic probe')?.Properties.Metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ Expression: 'IF(FILL(runs, 0) < 1, 1, FILL(failures, 0))' })]),
    );
  });

  it('the 5XX rate counts only from a minimum volume of requests', () => {
    expect(alarmWith(prod, 'answered 5XX')?.Properties.Metrics).toEqual(
      expect.arrayContaining([expect.objectContaining({ Expression: `IF(requests >= ${MIN_REQUESTS_FOR_ERROR_RATE}, errors / requests, 0)` })]),
    );
  });

  it('alarms on p99 latency, KMS request quota use and WAF blocks', () => {
    expect(alarmWith(prod, 'slowest 1 %')?.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3000, MetricName: 'Latency' });
    expect(JSON.stringify(alarmWith(prod, 'KMS requests')?.Properties.Metrics)).toContain('SERVICE_QUOTA(calls)');
    expect(alarmWith(prod, 'WAF blocked')?.Properties).toMatchObject({ Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests' });
    expect(alarmWith(prod, 'WAF blocked')?.Properties.Dimensions).toEqual(expect.arrayContaining([{ Name: 'WebACL', Value: 'egov-forms-kreis-bergstrasse-prod' }]));
  });

  it('alarms when KMS throttles a crypto function after its retries, from the line the HTTP edge logs', () => {
    const filters = ofType(prod, 'AWS::Logs::MetricFilter');
    const crypto = prod.stack.functions.all.filter(({ needs }) => Boolean(needs.caseKey?.length));
    expect(filters).toHaveLength(crypto.length);
    for (const filter of filters) {
      expect(filter.Properties.FilterPattern).toBe(`{ ($.message = "${DEPENDENCY_THROTTLED_MESSAGE}") && ($.errorName = "ThrottlingException") }`);
    }
    expect(alarmWith(prod, 'KMS throttled')).toBeDefined();
    // The pattern is only as good as the log line: some function source must still write it.
    const sources = execFileSync('grep', ['-rl', '--include=*.ts', `'${DEPENDENCY_THROTTLED_MESSAGE}'`, 'functions'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      encoding: 'utf8',
    });
    expect(sources.trim().length).toBeGreaterThan(0);
  });

  it('has one dashboard per stage', () => {
    prod.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'egov-forms-kreis-bergstrasse-prod' });
    dev.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'egov-forms-kreis-bergstrasse-dev' });
  });
});

describe('every alarm has its runbook entry (issue 13, operators; issue 18, point 7)', () => {
  /** Alarms and key alerts of a stage, each with the runbook entry its description names. */
  const notifications = (s: Synthesized) => [
    ...ofType(s, 'AWS::CloudWatch::Alarm').map((a) => String(a.Properties.AlarmDescription)),
    // Rules that notify operators (their target is the alarm topic); rules that trigger workers are no alerts.
    ...ofType(s, 'AWS::Events::Rule')
      .filter((r) => r.Properties.EventPattern && JSON.stringify(r.Properties.Targets).includes(`"${s.stack.getLogicalId(s.stack.alarms.topic.node.defaultChild as never)}"`))
      .map((r) => String(r.Properties.Description)),
  ];

  it.each(['dev', 'prod'])('%s: each alarm and key alert names a runbook heading of docs/operations.md that exists', (stage) => {
    const all = notifications(stage === 'dev' ? dev : prod);
    expect(all.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const description of all) {
      const entry = /Runbook: docs\/operations\.md, "(Alarm: [^"]+)"\./.exec(description)?.[1];
      if (!entry || !headings.has(entry)) missing.push(`${entry ?? '(no runbook reference)'} ← ${description.slice(0, 80)}`);
    }
    expect(missing).toEqual([]);
  });

  it('the check would notice an alarm without an entry', () => {
    expect(headings.has('Alarm: something nobody wrote')).toBe(false);
    expect(headings.has('Alarm: integrity-error')).toBe(true);
  });
});

describe('audit logs of the user pool (issue 18, point 3)', () => {
  it('sends sign-in events and failed mail deliveries to an encrypted vended log group with the stage retention', () => {
    prod.template.hasResourceProperties('AWS::Cognito::LogDeliveryConfiguration', {
      LogConfigurations: [
        Match.objectLike({ EventSource: 'userAuthEvents', LogLevel: 'INFO' }),
        Match.objectLike({ EventSource: 'userNotification', LogLevel: 'ERROR' }),
      ],
    });
    prod.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/egov-forms-kreis-bergstrasse-prod/cognito',
      RetentionInDays: 90,
      KmsKeyId: Match.anyValue(),
    });
  });
});
