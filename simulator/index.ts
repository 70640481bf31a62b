/** Local 1fichier.com API simulator: see simulator/README.md. */
export { DEMO_API_KEY, startSimulator } from './simulator';
export { DEFAULT_LIMITS, OBSERVED_LIMITS } from './limits';
export { MAX_FILES_PER_UPLOAD } from './upload';
export { REFUSAL_ANSWERS } from './messages';
export { formatParisDate, parseParisDate } from './dates';
export { fileIdFromUrl, fileUrl, FILE_DOMAINS } from './names';
export type {
	Fault,
	FaultInjector,
	FaultKind,
	RequestLogEntry,
	SeedFolder,
	SimAcl,
	SimFile,
	SimFolder,
	SimRemoteJob,
	SimRemoteResult,
	SimShare,
	Simulator,
	SimulatorClock,
	SimulatorLimits,
	SimulatorOptions,
	SimulatorState,
	SimulatorStats,
} from './types';
