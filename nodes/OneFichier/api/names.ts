import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Characters 1fichier refuses in names (API reference section 5, from rclone's encoder): backslash,
 * <, >, ", ', $, backtick, acute accent, slash; and a leading space. Checked before any byte is sent.
 */
const RESERVED = /[\\<>"'$`\u00B4/]/;

/**
 * Control characters (NUL, CR, LF, DEL…): rclone encodes them too, and a CR or LF in a file name
 * would end the multipart header line it is written into.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;

/** `.` and `..` mean "this folder" and "the parent" on every file system a backup is restored to. */
const DOT_NAMES = new Set(['.', '..']);

/** 1fichier's name limit (folders, API reference section 5; applied to file names too). */
export const MAX_NAME_LENGTH = 250;

export function assertValidName(node: INode, parameterName: string, name: string, itemIndex?: number): void {
	if (name.trim() === '') {
		throw new NodeOperationError(node, `"${parameterName}" must not be empty`, { itemIndex });
	}
	if (name.length > MAX_NAME_LENGTH) {
		throw new NodeOperationError(
			node,
			`"${parameterName}" is ${name.length} characters long; 1fichier allows at most ${MAX_NAME_LENGTH}: "${name.slice(0, 40)}…"`,
			{ itemIndex },
		);
	}
	if (DOT_NAMES.has(name.trim())) {
		throw new NodeOperationError(node, `"${parameterName}" is "${name.trim()}", which is not a name but a path step`, {
			itemIndex,
			description: 'Give the folder or file its own name; a path such as backups/../x is not followed.',
		});
	}
	const control = CONTROL.exec(name);
	if (control) {
		const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
		throw new NodeOperationError(node, `"${parameterName}" contains a control character (${code}), which 1fichier does not allow in names`, {
			itemIndex,
			description: 'Remove line breaks, tabs and other invisible characters from the name.',
		});
	}
	const reserved = name.match(RESERVED);
	if (reserved || name.startsWith(' ')) {
		const what = reserved ? `the character ${JSON.stringify(reserved[0])}` : 'a leading space';
		throw new NodeOperationError(node, `"${parameterName}" contains ${what}, which 1fichier does not allow in names: "${name}"`, {
			itemIndex,
			description: 'Names may not contain \\ < > " \' $ ` ´ / nor start with a space.',
		});
	}
}
