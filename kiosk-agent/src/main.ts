import { parseAgentArgs } from './config/options';
import { startAgent } from './agent';
import { createLogger } from './logging';

const logger = createLogger('kiosk-agent');
try {
  const agent = await startAgent(parseAgentArgs(process.argv.slice(2)), logger);
  const stop = () => {
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'agent.stop.failed', err: error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  logger.error({ event: 'agent.start.failed', err: error }, 'kiosk agent could not start');
  process.exit(1);
}
