// Debian packages the checks need (chromium, redis-server, postgresql), installed with apt-get
// when missing: as root directly, otherwise through `sudo -n`.
import { log, run } from './provision.mjs';

export async function aptInstall(packages, label) {
	const t0 = Date.now();
	log(`Installing ${label} with apt-get (about a minute)…`);
	const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
	const apt = async (args) => {
		const [cmd, ...rest] = [...asRoot, 'apt-get', ...args];
		// Other jobs on the machine may hold dpkg's lock for a while: wait for it rather than fail.
		await run(cmd, ['-o', 'DPkg::Lock::Timeout=600', ...rest], {
			quiet: true,
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
	};
	await apt(['update', '-q']);
	await apt(['install', '-y', '-q', '--no-install-recommends', ...packages]);
	log(`  ${label} installed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
