/** The directories `baseDirectory` compares (file upload, options.baseDirectory: backups of a tree). */
import { normaliseDirectory } from '../../../nodes/OneFichier/actions/file/baseDirectory';

describe('normaliseDirectory', () => {
	it.each([
		['/mnt/nas/', '/mnt/nas'],
		['/mnt//nas/./x/../y', '/mnt/nas/y'],
		['C:\\Data\\nas\\', 'C:/Data/nas'],
		['/', '/'],
		['  relative/dir  ', 'relative/dir'],
	])('%s → %s', (input, expected) => {
		expect(normaliseDirectory(input)).toBe(expected);
	});
});
