/** Entry point of the simulator image: SIM_KIND=feed runs the LiveFeed simulator, SIM_KIND=bot a trading bot. */
import { runBot } from './bot';
import { runFeed } from './feed';

function main(): void {
  const kind = process.env.SIM_KIND;
  if (kind === 'feed') return runFeed();
  if (kind === 'bot') return runBot();
  process.stderr.write(`SIM_KIND must be feed or bot, got ${JSON.stringify(kind)}\n`);
  process.exit(2);
}

try {
  main();
} catch (err) {
  process.stderr.write(`simulator failed to start: ${(err as Error).message}\n`);
  process.exit(2);
}
