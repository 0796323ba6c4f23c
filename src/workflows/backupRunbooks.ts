/** The backup, restore and restore-test workflows (one export line in workflows/index.ts). */
export { backup } from './backup';
export { restore } from './restore';
export { restoreTest } from './restoreTest';
