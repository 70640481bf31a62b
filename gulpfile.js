// Copies the non-TypeScript files n8n loads at runtime next to the compiled nodes: icons, codex
// JSON, the Whirlpool worker and helper-process scripts (plain JavaScript, see their headers) and
// the hash-wasm build the worker runs.
const path = require('path');
const { finished } = require('stream/promises');
const { task, src, dest, parallel } = require('gulp');

// The package has no runtime dependencies (n8n's community-node rule): hash-wasm's prebuilt,
// self-contained Whirlpool file (13 KB, WebAssembly inside) ships in dist with its MIT licence.
const HASH_WASM_FILES = ['dist/whirlpool.umd.min.js', 'LICENSE'].map((file) =>
	path.join(path.dirname(require.resolve('hash-wasm/package.json')), file),
);

task('build:assets', parallel(copyAssets, copyWhirlpool('dist'), copyWhirlpool('build')));

function copyAssets() {
	const nodeAssets = path.resolve('nodes', '**', '*.{png,svg,json}');
	const credentialAssets = path.resolve('credentials', '**', '*.{png,svg}');
	const icons = path.resolve('icons', '*.{png,svg}');
	src(icons).pipe(dest(path.resolve('dist', 'icons')));
	src(credentialAssets).pipe(dest(path.resolve('dist', 'credentials')));
	return src(nodeAssets, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
}

/** The worker and helper scripts into `<out>/nodes/…/transfer`, hash-wasm into `transfer/vendor/hash-wasm` beside them. */
function copyWhirlpool(outDir) {
	const transfer = path.resolve(outDir, 'nodes', 'OneFichier', 'transfer');
	const written = (stream) => finished(stream, { readable: false });
	const copy = () =>
		Promise.all([
			written(src(path.resolve('nodes', 'OneFichier', 'transfer', 'whirlpool.*.js')).pipe(dest(transfer))),
			written(src(HASH_WASM_FILES).pipe(dest(path.join(transfer, 'vendor', 'hash-wasm')))),
		]);
	copy.displayName = `whirlpool → ${outDir}`;
	return copy;
}
