/**
 * What `npm pack` puts in the package users install: the built nodes and credentials, the licence,
 * the README and the changelog; nothing of the tests, the simulator or the build's bookkeeping.
 * Reads the built dist/ (npm test builds before jest runs).
 */
import { execFileSync } from 'child_process';
import path from 'path';

const root = path.join(__dirname, '..', '..');

interface PackedFile {
	path: string;
}

function packedFiles(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
	const [pack] = JSON.parse(output) as Array<{ files: PackedFile[] }>;
	return pack.files.map((file) => file.path).sort();
}

describe('npm pack', () => {
	const files = packedFiles();

	it('holds the licence, README, changelog and package.json at the top', () => {
		expect(files.filter((file) => !file.startsWith('dist/'))).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
	});

	it('holds every node and credential n8n loads, and the Whirlpool worker with its bundled hash-wasm', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'dist/credentials/OneFichierApi.credentials.js',
				'dist/nodes/OneFichier/OneFichier.node.js',
				'dist/nodes/OneFichierTrigger/OneFichierTrigger.node.js',
				'dist/nodes/OneFichier/transfer/whirlpool.worker.js',
				'dist/nodes/OneFichier/transfer/vendor/hash-wasm/whirlpool.umd.min.js',
				'dist/nodes/OneFichier/transfer/vendor/hash-wasm/LICENSE',
				'dist/icons/1fichier.svg',
			]),
		);
	});

	it('holds nothing but the built package under dist', () => {
		const unexpected = files.filter(
			(file) => file.startsWith('dist/') && !/^dist\/(nodes|credentials|icons)\//.test(file),
		);
		expect(unexpected).toEqual([]);
		expect(files.filter((file) => /tsbuildinfo|\.test\.|simulator|\/test\//.test(file))).toEqual([]);
	});
});
