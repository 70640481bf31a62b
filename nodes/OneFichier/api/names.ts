import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Characters 1fichier refuses in names (API reference section 5, from rclone's encoder): backslash,
 * <, >, ", ', $, backtick, acute accent, slash; and a leading space. Checked before any byte is sent.
 */
const RESERVED = /[\\<>"'$`\u00B4/]/;

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
	const reserved = name.match(RESERVED);
	if (reserved || name.startsWith(' ')) {
		const what = reserved ? `the character ${JSON.stringify(reserved[0])}` : 'a leading space';
		throw new NodeOperationError(node, `"${parameterName}" contains ${what}, which 1fichier does not allow in names: "${name}"`, {
			itemIndex,
			description: 'Names may not contain \\ < > " \' $ ` ´ / nor start with a space.',
		});
	}
}
