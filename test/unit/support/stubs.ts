/**
 * The stub activities of a workflow unit test: some of the real activities, under their real names with their real
 * signatures (so a renamed or changed activity breaks the test at compile time), plus `Extra`, the activities of the
 * test's own stub workflows (e.g. a stub botHalt child). Declare stubs `{ … } satisfies StubActivities<…>`.
 */
import type { Activities } from '../../../src/runbooks/activities';

export type StubActivities<Extra extends object = object> = Partial<Activities> & Extra;
