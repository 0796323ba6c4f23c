/** Every runbook workflow (the worker's workflowsPath). */
export { rigSmoke } from './rig-smoke/workflow';
export { dailyCheck } from './daily-check/workflow';
export { botHalt } from './bot-halt/workflow';
export { botResume } from './bot-resume/workflow';
export { incident } from './incident/workflow';
export { deploy } from './deploy/workflow';
export { rollback } from './deploy/workflow';
export { backup } from './backup/workflow';
export { restore } from './backup/restoreWorkflow';
export { restoreTest } from './backup/restoreTestWorkflow';
