/** Include / Exclude globs and hidden names, as the backup, the restore and the check apply them. */
import { pathFilter, splitPatterns } from '../../nodes/OneFichier/backup/pathFilter';

describe('pathFilter', () => {
	it.each([
		// [options, path, isFolder, in scope]
		[{}, 'a/b/c.txt', false, true],
		[{}, 'a/.cache/c.txt', false, false],
		[{}, '.profile', false, false],
		[{ includeHidden: true }, 'a/.cache/c.txt', false, true],
		[{ exclude: '*.tmp' }, 'deep/down/x.tmp', false, false],
		[{ exclude: '*.tmp' }, 'deep/down/x.tmpl', false, true],
		[{ exclude: 'photos/cache/**' }, 'photos/cache', true, false],
		[{ exclude: 'photos/cache/**' }, 'photos/cache/x/y.jpg', false, false],
		[{ exclude: 'photos/cache/**' }, 'other/photos/cache/y.jpg', false, true],
		[{ exclude: '**/node_modules' }, 'a/b/node_modules', true, false],
		[{ exclude: '**/node_modules' }, 'node_modules', true, false],
		[{ exclude: 'a/**/z.txt' }, 'a/z.txt', false, false],
		[{ exclude: 'a/**/z.txt' }, 'a/b/c/z.txt', false, false],
		[{ exclude: '/top.txt' }, 'top.txt', false, false],
		[{ exclude: './top.txt' }, 'top.txt', false, false],
		[{ include: '*.{jpg,JPG,heic}' }, 'x/IMG_1.JPG', false, true],
		[{ include: '*.{jpg,JPG,heic}' }, 'x/IMG_1.png', false, false],
		[{ include: '*.{jpg,JPG,heic}' }, 'x', true, true],
		[{ include: 'IMG_????.jpg' }, 'IMG_0001.jpg', false, true],
		[{ include: 'IMG_????.jpg' }, 'IMG_001.jpg', false, false],
		[{ include: '[!_]*' }, '_draft.txt', false, false],
		[{ include: '[!_]*' }, 'final.txt', false, true],
		[{ include: 'report (1).pdf' }, 'report (1).pdf', false, true],
		[{ include: 'a+b$.txt' }, 'a+b$.txt', false, true],
		[{ include: 'a+b$.txt' }, 'aab$.txt', false, false],
		[{ include: '{photos/**,docs/*.pdf}' }, 'docs/a.pdf', false, true],
		[{ include: '{photos/**,docs/*.pdf}' }, 'docs/sub/a.pdf', false, false],
	])('%j: %s (folder %s) in scope: %s', (options, relativePath, isFolder, expected) => {
		expect(pathFilter(options).inScope(relativePath, isFolder)).toBe(expected);
	});

	it('splits patterns on commas outside braces', () => {
		expect(splitPatterns(' *.tmp , {a,b}/** ,, ./c ')).toEqual(['*.tmp', '{a,b}/**', 'c']);
		expect(splitPatterns(undefined)).toEqual([]);
	});

	it('takes an unclosed bracket or brace literally', () => {
		expect(pathFilter({ include: 'a[b' }).inScope('a[b', false)).toBe(true);
		expect(pathFilter({ include: 'a{b' }).inScope('a{b', false)).toBe(true);
	});
});
