// The documentation shows each benchmark's results file as it is: a block between two markers,
//
//   <!-- bench/results/transfers.md: start (written by the benchmark, do not edit) -->
//   …the file's content…
//   <!-- bench/results/transfers.md: end -->
//
// in README.md, CONTRIBUTING.md or a docs/*.md. The benchmark scripts call includeResults() after
// writing bench/results/, so a figure in the docs is always one of the last run's; test/docs checks
// that every block equals its file. `node bench/includeResults.mjs` refreshes the blocks by hand.
// (A library for bench/all.mjs: no shebang, so it is not run as a benchmark.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a block shows while its results file does not exist yet (test/docs expects this exact text). */
export const notRunYet = (file) => `No results yet: the benchmark writes ${file} when it runs.`;

const BLOCK = /(<!-- (bench\/results\/[\w.-]+\.md): start[^>]*-->)[\s\S]*?(<!-- \2: end -->)/g;

/** The documentation files that may hold results blocks. */
export function documentationFiles(root = repoRoot) {
	const docs = path.join(root, 'docs');
	return [
		path.join(root, 'README.md'),
		path.join(root, 'CONTRIBUTING.md'),
		...(fs.existsSync(docs) ? fs.readdirSync(docs).filter((name) => name.endsWith('.md')).map((name) => path.join(docs, name)) : []),
	].filter((file) => fs.existsSync(file));
}

/** The text a block about `file` (repository-relative) must hold. */
export function blockContent(file, root = repoRoot) {
	const absolute = path.join(root, file);
	return fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8').trim() : notRunYet(file);
}

/** Rewrites every results block of the documentation from the results files; returns the files changed. */
export function includeResults(root = repoRoot) {
	const changed = [];
	for (const doc of documentationFiles(root)) {
		const before = fs.readFileSync(doc, 'utf8');
		const after = before.replace(BLOCK, (_, start, file, end) => `${start}\n${blockContent(file, root)}\n${end}`);
		if (after !== before) {
			fs.writeFileSync(doc, after);
			changed.push(path.relative(root, doc));
		}
	}
	return changed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const changed = includeResults();
	console.log(changed.length ? `updated: ${changed.join(', ')}` : 'the documentation already shows the results files');
}
