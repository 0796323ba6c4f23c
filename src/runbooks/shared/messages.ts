/** Signals, queries, updates and search attributes shared by every runbook and by the clients that drive them. */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const runbookKey = defineSearchAttributeKey('AtcRunbook', 'KEYWORD');
export const environmentKey = defineSearchAttributeKey('AtcEnvironment', 'KEYWORD');
export const serviceKey = defineSearchAttributeKey('AtcService', 'KEYWORD');
export const outcomeKey = defineSearchAttributeKey('AtcOutcome', 'KEYWORD');
export const severityKey = defineSearchAttributeKey('AtcSeverity', 'KEYWORD'); // incidents: critical | warning | info
export const SEARCH_ATTRIBUTE_NAMES = [
  runbookKey.name,
  environmentKey.name,
  serviceKey.name,
  outcomeKey.name,
  severityKey.name,
] as const;

export type StepStatus = 'running' | 'ok' | 'failed' | 'skipped' | 'waiting';
export interface StepRecord {
  name: string;
  status: StepStatus;
  at: string; // workflow time, ISO
  detail?: string;
}
export interface Progress {
  runbook: string;
  steps: StepRecord[];
  waitingFor?: string; // e.g. "approval by one of: alice, bob"
  done: boolean;
}
export const progressQuery = defineQuery<Progress>('progress');

export interface ApprovalInput {
  actor: string;
  comment?: string;
}
export interface ApprovalResult {
  accepted: true;
  actor: string;
}
/** Approve or reject a waiting human step; validators reject bad actors before anything is recorded. */
export const approveUpdate = defineUpdate<ApprovalResult, [ApprovalInput]>('approve');
export const rejectUpdate = defineUpdate<ApprovalResult, [ApprovalInput]>('reject');

/** Outcome values of the AtcOutcome search attribute and of every runbook result. */
export type Outcome = 'succeeded' | 'failed' | 'refused' | 'cancelled' | 'ok' | 'warn' | 'fail' | 'unknown';
