/**
 * `npm run simulator` — a local 1fichier API for manual testing and end-to-end tests.
 *
 *   node build/simulator/cli.js [--port 8765] [--host 127.0.0.1] [--seed demo|empty]
 *        [--time-scale 1] [--data-dir DIR] [--key KEY]... [--quiet] [--no-checksums]
 *        [--real-limits] [--listings-every-ms N] [--clock-offset-ms N]
 *
 * Environment: SIMULATOR_PORT, SIMULATOR_KEYS (comma-separated). Stops on SIGINT/SIGTERM.
 */
import { OBSERVED_LIMITS } from './limits';
import { DEMO_API_KEY, startSimulator } from './simulator';
import type { RequestLogEntry, SimulatorLimits, SimulatorOptions } from './types';

interface CliOptions {
	port: number;
	host: string;
	seed: 'demo' | 'empty';
	timeScale: number;
	dataDir?: string;
	keys: string[];
	quiet: boolean;
	checksums: boolean;
	/** Only the limits the flags changed: the rest are DEFAULT_LIMITS. */
	limits: Partial<SimulatorLimits>;
	clockOffsetMs: number;
}

const USAGE =
	'usage: simulator [--port N] [--host H] [--seed demo|empty] [--time-scale X] [--data-dir DIR] [--key KEY]... [--quiet] [--no-checksums]' +
	' [--real-limits] [--listings-every-ms N] [--clock-offset-ms N]';

function fail(message: string): never {
	console.error(`simulator: ${message}\n${USAGE}`);
	process.exit(2);
}

function numberOption(name: string, text: string | undefined): number {
	const value = Number(text);
	if (text === undefined || text === '' || !Number.isFinite(value)) fail(`${name} needs a number`);
	return value;
}

export function parseCliArguments(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
	const options: CliOptions = {
		port: env.SIMULATOR_PORT ? numberOption('SIMULATOR_PORT', env.SIMULATOR_PORT) : 8765,
		host: '127.0.0.1',
		seed: 'demo',
		timeScale: 1,
		keys: (env.SIMULATOR_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean),
		quiet: false,
		checksums: true,
		limits: {},
		clockOffsetMs: 0,
	};
	const cliKeys: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const [flag, inlineValue] = argv[i].split(/=(.*)/s, 2);
		const value = () => inlineValue ?? argv[++i];
		switch (flag) {
			case '--port':
				options.port = numberOption(flag, value());
				break;
			case '--host':
				options.host = value() ?? fail('--host needs a value');
				break;
			case '--seed': {
				const seed = value();
				if (seed !== 'demo' && seed !== 'empty') fail('--seed is demo or empty');
				options.seed = seed;
				break;
			}
			case '--time-scale':
				options.timeScale = numberOption(flag, value());
				break;
			case '--data-dir':
				options.dataDir = value() ?? fail('--data-dir needs a value');
				break;
			case '--key':
				cliKeys.push(value() ?? fail('--key needs a value'));
				break;
			case '--quiet':
				options.quiet = true;
				break;
			case '--no-checksums':
				options.checksums = false;
				break;
			// The documented limits are always on; this adds the observed ones (§3 "Listings in general").
			case '--real-limits':
				options.limits = { ...options.limits, listingsEveryMs: OBSERVED_LIMITS.listingsEveryMs };
				break;
			case '--listings-every-ms':
				options.limits = { ...options.limits, listingsEveryMs: numberOption(flag, value()) };
				break;
			case '--clock-offset-ms':
				options.clockOffsetMs = numberOption(flag, value());
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				process.exit(0);
				break;
			default:
				fail(`unknown argument ${argv[i]}`);
		}
	}
	if (cliKeys.length > 0) options.keys = cliKeys;
	return options;
}

function logLine(entry: RequestLogEntry): void {
	const time = new Date().toISOString().slice(11, 23);
	console.log(`${time} ${entry.method.padEnd(4)} ${entry.path} ${entry.status} ${entry.ms}ms`);
}

async function main(): Promise<void> {
	const cli = parseCliArguments(process.argv.slice(2), process.env);
	const keys = cli.keys.length > 0 ? cli.keys : [DEMO_API_KEY];
	const options: SimulatorOptions = {
		port: cli.port,
		host: cli.host,
		seed: cli.seed,
		timeScale: cli.timeScale,
		dataDir: cli.dataDir,
		keys,
		checksums: cli.checksums,
		limits: cli.limits,
		clockOffsetMs: cli.clockOffsetMs,
		onRequest: cli.quiet ? undefined : logLine,
	};
	const simulator = await startSimulator(options);
	// Only the demo key is ever printed: it is public and fake. Keys given by the user stay secret.
	const keyLine = keys.includes(DEMO_API_KEY) ? `API key:   ${DEMO_API_KEY}` : `API keys:  ${keys.length} key(s) from --key / SIMULATOR_KEYS`;
	console.log(
		[
			'',
			'  1fichier simulator is running',
			`  Base URL:  ${simulator.baseUrl}`,
			`  ${keyLine}`,
			`  Seed:      ${cli.seed}   time scale: ${cli.timeScale}`,
			`  Listings:  ${cli.limits.listingsEveryMs ? `one every ${cli.limits.listingsEveryMs} ms (scaled)` : 'no general spacing (--real-limits sets 3000 ms)'}`,
			...(cli.clockOffsetMs ? [`  Clock:     ${cli.clockOffsetMs > 0 ? '+' : ''}${cli.clockOffsetMs} ms from the host`] : []),
			`  Control:   ${simulator.url}/__simulator/state`,
			'  Stop:      Ctrl+C',
			'',
		].join('\n'),
	);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\nsimulator: ${signal}, closing`);
		void simulator.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`simulator: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	});
}
