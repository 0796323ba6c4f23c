/** The daily check's limits, per environment (`environments.<env>.limits` in the config file): what is OK, WARN and FAIL. */
import { z } from 'zod';
import { duration } from '../shared/names';

export const checkLimitsSchema = z
  .object({
    feedLatencyWarnMs: z.number().positive().default(250),
    feedLatencyFailMs: z.number().positive().default(1000),
    feedWindow: duration.default('1m'),
    feedMinBarsInWindow: z.number().int().nonnegative().default(10),
    feedMaxReconnectsInWindow: z.number().int().nonnegative().default(3),
    dqGapsMaxInWindow: z.number().int().nonnegative().default(0),
    dqOutliersMaxInWindow: z.number().int().nonnegative().default(2),
    dqStaleMaxSeconds: z.number().nonnegative().default(5),
    botDrawdownWarnPct: z.number().nonnegative().default(5),
    botDrawdownFailPct: z.number().nonnegative().default(10),
    botTrackingErrorWarn: z.number().nonnegative().default(0.02),
    botTrackingErrorFail: z.number().nonnegative().default(0.05),
    botMinEquity: z.number().nonnegative().default(0),
    driftPsiWarn: z.number().nonnegative().default(0.1),
    driftPsiFail: z.number().nonnegative().default(0.25),
    driftMaxAgeHours: z.number().positive().default(36),
  })
  .strict()
  .prefault({});
export type CheckLimits = z.infer<typeof checkLimitsSchema>;
