/** What activities need from the world: one client per external system, built by the composition root. */
import type { AtcConfig } from '../../config';
import type { AlertSource } from '../../integrations/alertmanager';
import type { BotControl } from '../../integrations/botControl';
import type { ContainerRuntime } from '../../integrations/docker';
import type { Notifier } from '../../integrations/notifier';
import type { SqlDatabases } from '../../integrations/postgres';
import type { MetricsSource } from '../../integrations/prometheus';
import type { RunningWork } from './visibility';

export interface ActivityDeps {
  config: AtcConfig;
  containers: ContainerRuntime;
  metrics: MetricsSource;
  alerts: AlertSource;
  sql: SqlDatabases;
  bots: BotControl;
  notifier: Notifier;
  running: RunningWork; // Temporal visibility: open incidents, running deploys
}
