// One report for the CLI and the window (a browser-safe module of the registry's side).
export { ROSTER_COLUMNS } from '../../../src-main/shared/rules';
export { rejectedReportCsv, rejectedReportName } from '../../../src-main/shared/rejected-report';
