import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `npm run synth` says of a stage once `cdk synth` succeeded: one line, from the validation
 * report that CDK writes into the cloud assembly (`validation-report.json`) after running the
 * validation plugins, cdk-nag's AwsSolutionsChecks among them (infra/app.ts). CDK lists a plugin
 * there only when it found something (a violation, or one acknowledged).
 */
export const VALIDATION_REPORT = 'validation-report.json';

interface ValidationReport {
  pluginReports?: { pluginName?: string; violations?: { ruleName?: string; severity?: string }[]; suppressedViolations?: unknown[] }[];
}

export function synthSummary(stage: string, outdir: string): { line: string; ok: boolean } {
  const file = join(outdir, VALIDATION_REPORT);
  if (!existsSync(file)) return { ok: false, line: `synth: ${stage} synthesized, but wrote no ${file}: cdk-nag did not run` };
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  const violations = (report.pluginReports ?? []).flatMap((plugin) => plugin.violations ?? []);
  const acknowledged = (report.pluginReports ?? []).reduce((sum, plugin) => sum + (plugin.suppressedViolations?.length ?? 0), 0);
  const ack = acknowledged > 0 ? ` (${acknowledged} acknowledged with reasons)` : '';
  if (violations.length === 0) return { ok: true, line: `synth: ${stage} synthesized; cdk-nag found nothing${ack}` };
  const rules = [...new Set(violations.map((violation) => `${violation.ruleName ?? '?'} (${violation.severity ?? '?'})`))].join(', ');
  return { ok: true, line: `synth: ${stage} synthesized; cdk-nag found ${violations.length}: ${rules}${ack}; details in ${file}` };
}
