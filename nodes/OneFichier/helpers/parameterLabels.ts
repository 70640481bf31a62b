/**
 * Parameters named the way the editor shows them, for error messages: `options.password` of Upload
 * is `"Password" (under Options)`, `filters.sentAfter` of File → Get Many is `"Uploaded After"
 * (under Filters)`. The names come from the node's own description, so a message cannot drift from
 * what the user sees. Each node registers its description when its module loads (the node files);
 * any code holding a node context can then ask for a label.
 */
import type { INode, INodeProperties, INodePropertyCollection, INodePropertyOptions, NodeParameterValueType } from 'n8n-workflow';

type Described = INodeProperties | INodePropertyCollection | INodePropertyOptions;

const describedTypes = new Map<string, INodeProperties[]>();

/** Called by a node module with its description's properties (`name` is the node type's name, e.g. `oneFichier`). */
export function describeNodeType(name: string, properties: INodeProperties[]): void {
	describedTypes.set(name, properties);
}

/** In workflow JSON a node's type is prefixed with its package (`n8n-nodes-1fichier.oneFichier`, `CUSTOM.oneFichier`). */
const typeName = (type: string) => type.slice(type.lastIndexOf('.') + 1);

/**
 * The parameter at `path` (dot-separated, as in workflow JSON) as the editor shows it for this
 * node's resource and operation, quoted: `"File"`, `"Password" (under Options)`. A path the
 * description does not know is quoted as it is (a test keeps every path the code uses known).
 */
export function parameterLabel(ctx: { getNode(): INode }, path: string): string {
	const node = ctx.getNode();
	const properties = describedTypes.get(typeName(node.type));
	return (properties && labelIn(properties, node.parameters, path)) ?? `"${path}"`;
}

/** The label of `path` among `properties`, for a node whose top-level values are `values`; undefined when unknown. */
export function labelIn(properties: INodeProperties[], values: Record<string, unknown>, path: string): string | undefined {
	const [name, ...rest] = path.split('.');
	const top = properties.find((property) => property.name === name && shownFor(property, values));
	if (!top) return undefined;
	const trail: string[] = [];
	let current: Described = top;
	for (const part of rest) {
		const child: Described | undefined = childrenOf(current).find((candidate) => candidate.name === part);
		if (!child) return undefined;
		trail.push(displayNameOf(current));
		current = child;
	}
	const label = `"${displayNameOf(current)}"`;
	return trail.length === 0 ? label : `${label} (under ${trail.join(' → ')})`;
}

function childrenOf(entry: Described): Described[] {
	if ('values' in entry) return entry.values; // a fixedCollection's group
	if ('options' in entry && Array.isArray(entry.options)) return entry.options as Described[];
	return [];
}

const displayNameOf = (entry: Described) => ('displayName' in entry ? entry.displayName : entry.name);

/**
 * Whether a top-level property is the one shown for these values: its `show` rules on plain values
 * (resource, operation, event…) match and no `hide` rule does. Rules on values that are not plain
 * (or not set) do not decide: a label only needs the property of this resource and operation.
 */
function shownFor(property: INodeProperties, values: Record<string, unknown>): boolean {
	const { show, hide } = property.displayOptions ?? {};
	const decides = (key: string) => !key.startsWith('@') && !key.startsWith('/') && isPlain(values[key]);
	for (const [key, rule] of Object.entries(show ?? {})) {
		const allowed = plainValues(rule);
		if (decides(key) && allowed.length > 0 && !allowed.includes(values[key] as NodeParameterValueType)) return false;
	}
	for (const [key, rule] of Object.entries(hide ?? {})) {
		if (decides(key) && plainValues(rule).includes(values[key] as NodeParameterValueType)) return false;
	}
	return true;
}

const isPlain = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const plainValues = (list: unknown): unknown[] => (Array.isArray(list) ? list.filter(isPlain) : []);
