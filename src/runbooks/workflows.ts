/** The worker's workflows aggregator (its workflowsPath, bundled once by `npm run build`): every runbook workflow. */
export { rigSmoke } from './rig-smoke/workflow';
export { dailyCheck } from './daily-check/workflow';
export { botHalt } from './bot-halt/workflow';
export { botResume } from './bot-resume/workflow';
export { incident } from './incident/workflow';
export { deploy, rollback } from './deploy/workflow';
export { backup } from './backup/workflow';
export { restore } from './backup/restoreWorkflow';
export { restoreTest } from './backup/restoreTestWorkflow';
