// Copies the non-TypeScript assets n8n loads at runtime (icons, codex JSON) next to the compiled nodes.
const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', copyAssets);

function copyAssets() {
	const nodeAssets = path.resolve('nodes', '**', '*.{png,svg,json}');
	const credentialAssets = path.resolve('credentials', '**', '*.{png,svg}');
	const icons = path.resolve('icons', '*.{png,svg}');
	src(icons).pipe(dest(path.resolve('dist', 'icons')));
	src(credentialAssets).pipe(dest(path.resolve('dist', 'credentials')));
	return src(nodeAssets, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
}
