// The package build (`npm run build`: dist/ for n8n, build/ for the simulator and the tools), done
// once and reused: `npm run build` ends by recording a digest of its inputs in build/, and the
// suites, `npm start` and the benchmark build again only when the sources no longer match it.
//
// `node stack/build.mjs --stamp` records the digest (the last step of `npm run build`).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { log, run } from './provision.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TSCONFIGS = ['tsconfig.json', 'tsconfig.tools.json'];
/** What `npm run build` reads besides the tsconfig `include`s: gulp's assets, the locked tool versions. */
const OTHER_INPUTS = [...TSCONFIGS, 'icons', 'gulpfile.js', 'package.json', 'package-lock.json'];
const STAMP = path.join(repoRoot, 'build', '.sources.sha256');

/** The folders and files the tsconfigs include: each pattern cut at its first wildcard (`nodes/**` gives nodes). */
function tsconfigInputs() {
	return TSCONFIGS.flatMap((file) => {
		const include = JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')).include ?? [];
		return include.map((pattern) => {
			const parts = pattern.split('/');
			const wild = parts.findIndex((part) => /[*?{[]/.test(part));
			return path.join(...(wild === -1 ? parts : parts.slice(0, wild)));
		});
	});
}

/** Every file at or below an input path, relative to the repository. */
function filesAt(input) {
	const full = path.join(repoRoot, input);
	if (!fs.existsSync(full)) return [];
	if (!fs.statSync(full).isDirectory()) return [input];
	return fs
		.readdirSync(full, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(repoRoot, path.join(entry.parentPath ?? entry.path, entry.name)));
}

/** SHA-256 over the path and content of every build input, in a fixed order. */
export function sourcesDigest() {
	const files = [...new Set([...tsconfigInputs(), ...OTHER_INPUTS].flatMap(filesAt))].sort();
	const hash = crypto.createHash('sha256');
	for (const file of files) {
		hash.update(`${file.split(path.sep).join('/')}\0`);
		hash.update(fs.readFileSync(path.join(repoRoot, file)));
		hash.update('\0');
	}
	return hash.digest('hex');
}

/** True when dist/ and build/ were made by a complete `npm run build` of the sources as they are now. */
export function buildIsFresh() {
	try {
		const outputs = [path.join('dist', 'nodes', 'OneFichier', 'OneFichier.node.js'), path.join('build', 'simulator', 'cli.js')];
		return outputs.every((f) => fs.existsSync(path.join(repoRoot, f))) && fs.readFileSync(STAMP, 'utf8').trim() === sourcesDigest();
	} catch {
		return false;
	}
}

/** Builds the package unless the last build is of these very sources (or SKIP_BUILD=1 says to use what is there). */
export async function buildPackage({ quiet = true } = {}) {
	if (process.env.SKIP_BUILD === '1') {
		log('SKIP_BUILD=1: using the existing dist/ and build/');
		return;
	}
	if (buildIsFresh()) {
		log('dist/ and build/ are up to date with the sources: not building again');
		return;
	}
	const t0 = Date.now();
	log('Building the package (npm run build)…');
	try {
		await run('npm', ['run', 'build', '--silent'], { cwd: repoRoot, quiet });
	} catch (e) {
		throw new Error(`npm run build failed:\n${(e.stdout ?? '') + (e.stderr ?? '')}`.slice(0, 4000));
	}
	log(`  built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--stamp')) {
	fs.mkdirSync(path.dirname(STAMP), { recursive: true });
	fs.writeFileSync(STAMP, `${sourcesDigest()}\n`);
}
