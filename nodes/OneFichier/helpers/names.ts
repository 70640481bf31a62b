import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Characters 1fichier refuses in names (API reference section 5, from rclone's encoder): backslash,
 * <, >, ", ', $, backtick, acute accent, slash; and a leading space. Checked before any byte is sent.
 */
const RESERVED = /[\\<>"'$`\u00B4/]/;

export function assertValidName(node: INode, parameterName: string, name: string, itemIndex?: number): void {
	if (name.trim() === '') {
		throw new NodeOperationError(node, `"${parameterName}" must not be empty`, { itemIndex });
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
