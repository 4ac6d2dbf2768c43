// `npm run synth` ends with one line per stage, from the validation report CDK writes after the
// validation plugins (cdk-nag) ran: what it found, or that it found nothing; no report is a failure.
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthSummary, VALIDATION_REPORT } from '../../infra/scripts/synthReport.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

function assemblyWith(report: unknown): string {
  const dir = tempDir('egov-synth-report-');
  writeFileSync(join(dir, VALIDATION_REPORT), JSON.stringify(report));
  return dir;
}

describe('the line npm run synth ends a stage with', () => {
  it('says the stage synthesized and cdk-nag found nothing, when no plugin reported anything', () => {
    expect(synthSummary('dev', assemblyWith({ version: '55.0.0', title: 'Validation Report', pluginReports: [] }))).toEqual({
      ok: true,
      line: 'synth: dev synthesized; cdk-nag found nothing',
    });
  });

  it('names what cdk-nag found (warnings let the synth pass), and where the details are', () => {
    const dir = assemblyWith({
      pluginReports: [{ pluginName: 'AwsSolutions', conclusion: 'success', violations: [{ ruleName: 'AwsSolutions-IAM5', severity: 'warning' }, { ruleName: 'AwsSolutions-IAM5', severity: 'warning' }] }],
    });
    const { ok, line } = synthSummary('prod', dir);
    expect(ok).toBe(true);
    expect(line).toBe(`synth: prod synthesized; cdk-nag found 2: AwsSolutions-IAM5 (warning); details in ${join(dir, VALIDATION_REPORT)}`);
  });

  it('counts acknowledged findings apart', () => {
    expect(synthSummary('dev', assemblyWith({ pluginReports: [{ violations: [], suppressedViolations: [{}, {}] }] })).line).toBe(
      'synth: dev synthesized; cdk-nag found nothing (2 acknowledged with reasons)',
    );
  });

  it('fails when there is no report: then cdk-nag did not run', () => {
    const { ok, line } = synthSummary('dev', tempDir('egov-synth-none-'));
    expect(ok).toBe(false);
    expect(line).toMatch(/^synth: dev synthesized, but wrote no .*validation-report\.json: cdk-nag did not run$/);
  });
});
