export { runProgram, DEFAULT_MAX_INSTRUCTIONS, type RunOptions, type RunResult, type RunReason } from './runProgram.ts';
export { LinuxProcess, type ProcessEvent, type ProcessOptions } from '../guest/linux/process.ts';
export { Session, formatEvent, loadProgram, type EngineEvent, type Goal, type Snapshot, type Stop } from './session.ts';
