/**
 * Runs real n8n workflows in-process with n8n-core's execution engine: the 1fichier nodes, a
 * credentials helper that applies the credential's `authenticate` like n8n does, and n8n's binary
 * data service in filesystem mode, so uploads take the streamed (binary with an id) path.
 */
import { createReadStream, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

// n8n-core reads its configuration from the environment when its services are first created.
const n8nFolder = mkdtempSync(path.join(tmpdir(), 'n8n-1fichier-test-'));
// The binary store of a run holds every test file (GiBs in the benchmarks): gone with the process.
process.once('exit', () => rmSync(n8nFolder, { recursive: true, force: true }));
process.env.N8N_USER_FOLDER = n8nFolder;
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(n8nFolder, 'binaryData');
process.env.N8N_ENCRYPTION_KEY = 'test-encryption-key-not-a-secret';
// Expected errors of negative tests would otherwise fill the output; set N8N_LOG_LEVEL=debug to see them.
process.env.N8N_LOG_LEVEL ??= 'silent';

import { Container } from '@n8n/di';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IBinaryData,
	WorkflowExecuteMode,
	IExecuteData,
	ITaskDataConnections,
	IPollFunctions,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';
import {
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';

import { OneFichierApi } from '../../credentials/OneFichierApi.credentials';
import { OneFichier } from '../../nodes/OneFichier/OneFichier.node';
import { OneFichierTrigger } from '../../nodes/OneFichierTrigger/OneFichierTrigger.node';
import { applyRateLimitsOption } from '../../nodes/OneFichier/helpers/rateLimits';
import type { Simulator } from './simulator';
import { scaledRateLimits } from './simulator';

/** A resource locator value (`__rl`), as the editor stores a File or Folder parameter. */
export const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
export const byId = (id: number | string) => rl('id', String(id));
export const byPath = (folderPath: string) => rl('path', folderPath);

export const NODE_TYPE = 'n8n-nodes-1fichier.oneFichier';
export const TRIGGER_TYPE = 'n8n-nodes-1fichier.oneFichierTrigger';
const INPUT_TYPE = 'test.input';

// ---- node types ----------------------------------------------------------------------------

interface InputFile {
	path: string;
	/** Ignored with `readFromDisk`, where the name comes from the path. */
	fileName?: string;
	/** As n8n's Read/Write Files from Disk does: the binary records the file's `directory` and name from `path`. */
	readFromDisk?: boolean;
	mimeType?: string;
	property?: string;
}

/** A start node that emits the test's items; files become binaries in n8n's filesystem store (with ids). */
class TestInput implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Input',
		name: INPUT_TYPE,
		group: ['trigger'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Test Input' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// n8n drops parameters a node does not declare, so the items travel as declared JSON.
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0, '[]') as string) as TestItem[];
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const out: INodeExecutionData = { json: item.json ?? {} };
			for (const file of item.files ?? []) {
				out.binary ??= {};
				out.binary[file.property ?? 'data'] = await this.helpers.prepareBinaryData(
					createReadStream(file.path),
					file.readFromDisk ? file.path : file.fileName,
					file.mimeType,
				);
			}
			for (const inline of item.inlineBinary ?? []) {
				out.binary ??= {};
				out.binary[inline.property] = { data: inline.base64, fileName: inline.fileName, mimeType: inline.mimeType };
			}
			output.push(out);
		}
		return [output];
	}
}

const nodeTypeMap: Record<string, INodeType> = {
	[NODE_TYPE]: new OneFichier(),
	[TRIGGER_TYPE]: new OneFichierTrigger(),
	[INPUT_TYPE]: new TestInput(),
};

const nodeTypes: INodeTypes = {
	getByName: (type: string) => nodeTypeMap[type] as INodeType | IVersionedNodeType,
	getByNameAndVersion: (type: string) => nodeTypeMap[type],
	getKnownTypes: () => ({}),
} as INodeTypes;

// ---- credentials ---------------------------------------------------------------------------

const credentialType = new OneFichierApi();

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async runPreAuthentication() {
		return undefined;
	}

	/** The credential's own `authenticate` function, as n8n's CredentialsHelper calls it. */
	async authenticate(credentials: ICredentialDataDecryptedObject, _type: string, request: IHttpRequestOptions) {
		return await credentialType.authenticate(credentials, request);
	}

	async preAuthentication() {
		return undefined;
	}

	async getCredentials() {
		return new Credentials({ id: null, name: '' }, '', '');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _details: unknown, type: string) {
		// Real n8n reads and decrypts credentials asynchronously: never answer in the same tick.
		await new Promise((resolve) => setImmediate(resolve));
		// As n8n's CredentialsHelper.applyDefaultsAndOverwrites: defaults added, fields the credential's
		// displayOptions hide dropped (a hidden Base URL would be lost here, as in n8n).
		const stored = (this.credentials[type] ?? {}) as INodeParameters;
		return NodeHelpers.getNodeParameters(credentialType.properties, stored, true, false, null, null) as ICredentialDataDecryptedObject;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialType.properties;
	}
}

// ---- binary data ---------------------------------------------------------------------------

let binaryReady: Promise<void> | undefined;
export async function ensureBinaryDataService(): Promise<void> {
	binaryReady ??= Container.get(BinaryDataService).init();
	await binaryReady;
}

export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

export function binaryPath(binary: IBinaryData): string {
	if (!binary.id) throw new Error('binary has no id: it was not stored in filesystem mode');
	return Container.get(BinaryDataService).getPath(binary.id);
}

// ---- running a workflow --------------------------------------------------------------------

export interface TestItem {
	json?: IDataObject;
	/** Files on disk that become id-backed binaries (the streamed path). */
	files?: InputFile[];
	/** Inline base64 binaries (no id), as n8n keeps them in memory mode. */
	inlineBinary?: Array<{ property: string; base64: string; fileName: string; mimeType: string }>;
}

export interface RunOptions {
	items?: TestItem[];
	continueOnFail?: boolean;
	/** The node's "On Error" setting, as the editor saves it (`continueErrorOutput` adds the error output). */
	onError?: INode['onError'];
	/** Defaults to the simulator's first key. */
	apiKey?: string;
	/** Node "Rate Limits" option; defaults to the simulator's time scale. */
	rateLimits?: IDataObject;
	/** Receives the abort controller so a test can cancel the execution. */
	onStart?: (cancel: () => void) => void;
}

export interface RunResult {
	/** Output items of the 1fichier node (empty when it failed). */
	items: INodeExecutionData[];
	/** Items n8n routed to the node's error output (with `onError: 'continueErrorOutput'`). */
	errorItems: INodeExecutionData[];
	/** The node's error, when the workflow failed. */
	error?: Error & { description?: string; httpCode?: string };
	run: IRun;
}

export function credentialsFor(sim: Simulator, apiKey?: string): Record<string, ICredentialDataDecryptedObject> {
	return { oneFichierApi: { apiKey: apiKey ?? sim.keys[0], baseUrl: sim.baseUrl } };
}

/** Runs Test Input → 1fichier with the given parameters and returns the 1fichier node's output. */
export async function runNode(sim: Simulator, parameters: INodeParameters, options: RunOptions = {}): Promise<RunResult> {
	return await runNodeWith(credentialsFor(sim, options.apiKey).oneFichierApi, parameters, options);
}

/** The same, with any credential (the live smoke test runs it against the real service). */
export async function runNodeWith(
	credential: ICredentialDataDecryptedObject,
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<RunResult> {
	await ensureBinaryDataService();
	const nodes: INode[] = [
		{
			id: 'input',
			name: 'Test Input',
			type: INPUT_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{ json: {} }]) },
		},
		{
			id: 'fichier',
			name: '1fichier',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: { rateLimits: (options.rateLimits ?? scaledRateLimits()) as INodeParameters, ...parameters },
			credentials: { oneFichierApi: { id: '1', name: '1fichier (simulator)' } },
			continueOnFail: options.continueOnFail,
			onError: options.onError,
		},
	];
	const connections = { 'Test Input': { main: [[{ node: '1fichier', type: NodeConnectionTypes.Main, index: 0 }]] } };
	const run = await executeWorkflow(nodes, connections, { oneFichierApi: credential }, options.onStart);
	const taskData = run.data.resultData.runData['1fichier']?.[0];
	const error = (taskData?.error ?? run.data.resultData.error) as RunResult['error'];
	return { items: taskData?.data?.main?.[0] ?? [], errorItems: taskData?.data?.main?.[1] ?? [], error, run };
}

async function executeWorkflow(
	nodes: INode[],
	connections: Workflow['connectionsBySourceNode'],
	credentials: Record<string, ICredentialDataDecryptedObject>,
	onStart?: (cancel: () => void) => void,
): Promise<IRun> {
	const workflow = new Workflow({ id: 'test', nodes, connections, nodeTypes, active: false, settings: {} });
	const additionalData = buildAdditionalData(credentials);
	const hooks = new ExecutionLifecycleHooks('manual', '1', { id: 'test', name: 'test', nodes, connections, active: false, settings: {}, createdAt: new Date(), updatedAt: new Date(), isArchived: false, activeVersionId: null } as never);
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished.resolve(fullRunData));
	additionalData.hooks = hooks;
	const runExecutionData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: workflow.getNode('Test Input')!, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const cancellable = execution.processRunExecutionData(workflow);
	onStart?.(() => cancellable.cancel());
	await cancellable;
	return await finished.promise;
}

function buildAdditionalData(credentials: Record<string, ICredentialDataDecryptedObject>): IWorkflowExecuteAdditionalData {
	return {
		executionId: '1',
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('not supported in tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not supported in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

// ---- list search and polling ---------------------------------------------------------------

function singleNodeWorkflow(type: string, parameters: INodeParameters): { workflow: Workflow; node: INode } {
	const node: INode = {
		id: 'node',
		name: 'Node',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { oneFichierApi: { id: '1', name: '1fichier (simulator)' } },
	};
	const workflow = new Workflow({ id: 'test', nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
	return { workflow, node };
}

/** Calls a list-search method of the action node the way the editor does. */
export async function runListSearch(
	sim: Simulator,
	method: string,
	filter?: string,
	parameters: INodeParameters = {},
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const nodeParameters = { rateLimits: scaledRateLimits(), ...parameters };
	const { workflow, node } = singleNodeWorkflow(NODE_TYPE, nodeParameters);
	const additionalData = buildAdditionalData(credentialsFor(sim));
	// The editor sends the node's current parameters along with a list search.
	additionalData.currentNodeParameters = nodeParameters;
	const context = new LoadOptionsContext(workflow, node, additionalData, '');
	const search = (nodeTypeMap[NODE_TYPE] as OneFichier).methods.listSearch as unknown as Record<
		string,
		(this: unknown, filter?: string, token?: string) => Promise<INodeListSearchResult>
	>;
	return await search[method].call(context, filter, paginationToken);
}

export interface PollHarness {
	/** Runs one poll; returns the emitted items (empty when nothing new). */
	poll(): Promise<INodeExecutionData[]>;
	/** The workflow static data the trigger keeps between polls (persisted across "restarts"). */
	staticData: IDataObject;
}

/**
 * Builds a poll context for the trigger. `staticData` may be passed in to simulate an n8n restart
 * (a new context reading the state the previous one saved).
 */
export function createPollHarness(
	sim: Simulator,
	parameters: INodeParameters,
	options: { mode?: WorkflowExecuteMode; staticData?: IDataObject; apiKey?: string } = {},
): PollHarness {
	const { workflow, node } = singleNodeWorkflow(TRIGGER_TYPE, { rateLimits: scaledRateLimits(), ...parameters });
	if (options.staticData) workflow.staticData = options.staticData as Workflow['staticData'];
	const additionalData = buildAdditionalData(credentialsFor(sim, options.apiKey));
	const mode = options.mode ?? 'trigger';
	const trigger = nodeTypeMap[TRIGGER_TYPE] as OneFichierTrigger;
	return {
		get staticData() {
			return workflow.staticData as IDataObject;
		},
		async poll() {
			const context = new PollContext(workflow, node, additionalData, mode, 'activate') as unknown as IPollFunctions;
			const result = await trigger.poll.call(context);
			return result?.[0] ?? [];
		},
	};
}

export type { IExecuteData, ITaskDataConnections };

function createDeferredPromise<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((res) => {
		resolve = res;
	});
	return { promise, resolve };
}

/**
 * A real n8n context (the one list search gets) for calling the transport directly, with the
 * given credentials and node parameters. Its HTTP helpers are n8n-core's own.
 */
export function createApiContext(
	credentials: { apiKey: string; baseUrl: string },
	parameters: INodeParameters = {},
): LoadOptionsContext {
	const { workflow, node } = singleNodeWorkflow(NODE_TYPE, parameters);
	const additionalData = buildAdditionalData({ oneFichierApi: credentials });
	additionalData.currentNodeParameters = parameters;
	const context = new LoadOptionsContext(workflow, node, additionalData, '');
	// As the node's entry points do (router, poll, pickers): the Rate Limits option bound to the context.
	applyRateLimitsOption(context);
	return context;
}
