/** Every runbook workflow (the worker's workflowsPath). */
export { rigSmoke } from './rigSmoke';
export { dailyCheck } from './dailyCheck';
export { botHalt } from './botHalt';
export { botResume } from './botResume';
export { incident } from './incident';
export { deploy } from './deploy';
export { rollback } from './rollback';
export { backup, restore, restoreTest } from './backupRunbooks';
