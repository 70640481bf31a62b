/**
 * The documentation cannot drift from the repository:
 * - every block that shows a benchmark's results file (between `<!-- bench/results/x.md: start … -->`
 *   and `<!-- bench/results/x.md: end -->`) holds exactly that file, as the benchmark wrote it
 *   (bench/includeResults.mjs writes the blocks; a figure typed by hand into one fails here);
 * - a speed or a ratio (`MiB/s`, `0.91x`, `s per GiB`) appears only inside such a block or inside a
 *   dated measurement naming its source (`<!-- measured: 2026-12-03, npm run bench:whirlpool … -->`
 *   … `<!-- measured: end -->`);
 * - every relative link points at a file that exists (and at a heading that exists);
 * - every file named in code (`nodes/OneFichier/api/errors.ts`, `docs/1fichier-api.md`) exists,
 *   and every `npm run x` is a script of package.json;
 * - the README's first screen holds what the package is, how to install it, and the commands.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import path from 'path';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const docsFolder = readdirSync(path.join(root, 'docs'))
	.filter((name) => name.endsWith('.md'))
	.map((name) => `docs/${name}`);

/**
 * The API reference quotes other projects' files and other people's figures about 1fichier, each
 * with its source: its figures and file names are not this repository's.
 */
const API_REFERENCE = 'docs/1fichier-api.md';
/** The files of this package's documentation: figures, links and file names are checked in them. */
const OWN_DOCS = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...docsFolder.filter((doc) => doc !== API_REFERENCE)];
/** Where results blocks may be (bench/includeResults.mjs rewrites these). */
const RESULTS_DOCS = ['README.md', 'CONTRIBUTING.md', ...docsFolder];
/** Every Markdown file whose links are checked. */
const LINKED_DOCS = [...OWN_DOCS, API_REFERENCE, 'examples/README.md', 'simulator/README.md'];

const RESULTS_BLOCK = /<!-- (bench\/results\/[\w.-]+\.md): start[^>]*-->([\s\S]*?)<!-- \1: end -->/g;
const RESULTS_START = /<!-- (bench\/results\/[\w.-]+\.md): start/g;
const MEASURED_BLOCK = /<!-- measured: ([^>]*)-->([\s\S]*?)<!-- measured: end -->/g;
/** Speeds, ratios and CPU per size: the kinds of figure a benchmark produces. */
const FIGURE = /\d+(?:\.\d+)?\s?[KMG]i?B\/s|\d+\.\d+x(?![\w])|\d+(?:\.\d+)? s per [KMG]iB/g;

/** What a results block shows while its file does not exist yet (bench/includeResults.mjs, notRunYet). */
const notRunYet = (file: string) => `No results yet: the benchmark writes ${file} when it runs.`;

function resultsBlocks(text: string) {
	return [...text.matchAll(RESULTS_BLOCK)].map((match) => ({ file: match[1], content: match[2].trim() }));
}

/** The text with fenced code blocks blanked out (their lines kept, so line numbers still match). */
function withoutFences(text: string): string {
	let inFence = false;
	return text
		.split('\n')
		.map((line) => {
			if (/^\s*(```|~~~)/.test(line)) {
				inFence = !inFence;
				return '';
			}
			return inFence ? '' : line;
		})
		.join('\n');
}

const withoutCodeSpans = (text: string) => text.replace(/`[^`\n]*`/g, '``');

/** GitHub's anchor for a heading: lower case, punctuation and symbols dropped, spaces to hyphens. */
function slug(heading: string): string {
	const text = heading
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/`/g, '')
		.trim()
		.toLowerCase();
	return text.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	const text = read(file);
	for (const line of withoutFences(text).split('\n')) {
		const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const base = slug(heading[1]);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count === 0 ? base : `${base}-${count}`);
	}
	for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]);
	return anchors;
}

function linksOf(text: string): string[] {
	const prose = withoutCodeSpans(withoutFences(text));
	return [
		...[...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
		...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]),
		...[...prose.matchAll(/<a\s+href="([^"]+)"/g)].map((match) => match[1]),
	];
}

function brokenLinks(doc: string): string[] {
	const problems: string[] = [];
	for (const link of linksOf(read(doc))) {
		if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
		const [target, anchor] = link.split('#');
		const file = target === '' ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), decodeURIComponent(target)));
		if (!existsSync(path.join(root, file))) {
			problems.push(`${doc}: the link ${link} points at ${file}, which does not exist`);
		} else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor)) {
			problems.push(`${doc}: the link ${link} names no heading of ${file}`);
		}
	}
	return problems;
}

/** Names of files in code spans (`a/b.ts`, `docs/x.md`, `nodes/OneFichier/api/`): they must exist. */
const FILE_NAME = /^(?:[\w.-]+\/)+[\w.-]*$|^[\w.-]+\.md$/;
const SOURCE_EXTENSION = /\.(ts|js|mjs|cjs|json|md|sh)$/;
const KNOWN_FOLDERS = /^(\.ci|bench|credentials|docs|examples|icons|nodes|scripts|simulator|stack|test|api|transfer|pacing|installation|backup|helpers|actions|methods)\//;
/** Generated or machine-local: written by a build, a run or the benchmark, not kept in the repository as such. */
const GENERATED = /^(build|dist|test-artifacts|node_modules|bench\/results)\//;

function missingFiles(doc: string): string[] {
	const problems: string[] = [];
	const candidates = (name: string) => [path.posix.join(path.posix.dirname(doc), name), name, `nodes/OneFichier/${name}`];
	for (const match of withoutFences(read(doc)).matchAll(/`([^`\n]+)`/g)) {
		const name = match[1].trim();
		if (!FILE_NAME.test(name) || GENERATED.test(name)) continue;
		if (!SOURCE_EXTENSION.test(name) && !(name.endsWith('/') && KNOWN_FOLDERS.test(name))) continue;
		if (!candidates(name).some((candidate) => existsSync(path.join(root, candidate)))) problems.push(`${doc}: \`${name}\` is not a file of the repository`);
	}
	return problems;
}

describe('benchmark figures in the documentation', () => {
	it('every results block shows its results file exactly as the benchmark wrote it', () => {
		const problems: string[] = [];
		for (const doc of RESULTS_DOCS) {
			const text = read(doc);
			const starts = [...text.matchAll(RESULTS_START)].length;
			const blocks = resultsBlocks(text);
			if (blocks.length !== starts) problems.push(`${doc}: a results block has no end marker`);
			for (const { file, content } of blocks) {
				const expected = existsSync(path.join(root, file)) ? read(file).trim() : notRunYet(file);
				if (content !== expected) problems.push(`${doc}: the block of ${file} differs from ${existsSync(path.join(root, file)) ? 'that file' : 'the text shown before a first run'} (node bench/includeResults.mjs rewrites it)`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('every results file of bench/results is shown in the documentation', () => {
		const shown = new Set(RESULTS_DOCS.flatMap((doc) => resultsBlocks(read(doc)).map((block) => block.file)));
		const files = readdirSync(path.join(root, 'bench', 'results'))
			.filter((name) => name.endsWith('.md'))
			.map((name) => `bench/results/${name}`);
		expect(files.filter((file) => !shown.has(file))).toEqual([]);
	});

	it('each results table comes from the same run as its JSON', () => {
		const problems: string[] = [];
		for (const name of readdirSync(path.join(root, 'bench', 'results')).filter((file) => file.endsWith('.json'))) {
			const table = `bench/results/${name.replace(/\.json$/, '.md')}`;
			const { generatedAt } = JSON.parse(read(`bench/results/${name}`)) as { generatedAt?: string };
			if (!existsSync(path.join(root, table))) problems.push(`bench/results/${name} has no ${table}`);
			else if (!generatedAt || !read(table).split('\n')[0].includes(generatedAt)) problems.push(`${table} does not start with the run of bench/results/${name} (${generatedAt})`);
		}
		expect(problems).toEqual([]);
	});

	it('a speed or a ratio appears only in a results block or in a dated measurement that names its source', () => {
		const problems: string[] = [];
		for (const doc of OWN_DOCS) {
			let text = read(doc).replace(RESULTS_BLOCK, '');
			for (const [, source] of text.matchAll(MEASURED_BLOCK)) {
				if (!/\d{4}-\d{2}-\d{2}/.test(source) || !/npm run [\w:-]+|[\w-]+\/[\w./-]+/.test(source)) problems.push(`${doc}: the measurement "${source.trim()}" needs a date (YYYY-MM-DD) and its source (the command or script)`);
			}
			text = text.replace(MEASURED_BLOCK, '');
			for (const [figure] of text.matchAll(FIGURE)) problems.push(`${doc}: "${figure}" is neither in a results block nor in a dated measurement`);
		}
		expect(problems).toEqual([]);
	});
});

describe('references in the documentation', () => {
	it.each(LINKED_DOCS)('every relative link of %s points at a file (and a heading) that exists', (doc) => {
		expect(brokenLinks(doc)).toEqual([]);
	});

	it.each(OWN_DOCS)('every file %s names in code exists', (doc) => {
		expect(missingFiles(doc)).toEqual([]);
	});

	it.each(LINKED_DOCS)('every npm script %s names is in package.json', (doc) => {
		const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
		const named = [...read(doc).matchAll(/\bnpm run ([\w:-]+)/g)].map((match) => match[1]);
		expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
	});
});

describe('the README', () => {
	const firstScreen = read('README.md').split('\n').slice(0, 60).join('\n');

	it('says in its first 60 lines what the package is, how to install it into an n8n, and the three commands', () => {
		expect(firstScreen).toMatch(/community node/i);
		expect(firstScreen).toMatch(/^## Installation/m);
		expect(firstScreen).toContain('~/.n8n/nodes');
		for (const command of ['npm ci', 'npm start', 'npm test']) expect(firstScreen).toContain(command);
		expect(firstScreen).not.toMatch(/<this repository>/);
	});
});
