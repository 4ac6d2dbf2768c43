import { defaultStageName, loadStageConfig, type StageConfig } from '../config.ts';

/**
 * The administration the local stack runs (API.md, "Administrations and offices"): the stage file
 * `STAGE_FILE` names (a path), else `infra/stages/<STAGE>.json`, else cdk.json's default stage (the
 * Landkreis's dev file). Its offices, their display names and the forms it offers are what
 * `npm start` serves, as the synthesized stack of that file does.
 */
export function localStageConfig(env: NodeJS.ProcessEnv = process.env): StageConfig {
  const stageFile = env.STAGE_FILE?.trim() || undefined;
  const stage = env.STAGE?.trim() || (stageFile ? undefined : defaultStageName());
  return loadStageConfig((key) => (key === 'stage' ? stage : key === 'stageFile' ? stageFile : undefined));
}
