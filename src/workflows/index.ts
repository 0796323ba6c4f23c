/** Every runbook workflow (the worker's workflowsPath). */
export { rigSmoke } from './rigSmoke';
