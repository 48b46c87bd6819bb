// Package report renders the result of a posture scan: a Report value and a
// writer per output format.
//
// # Formats
//
//   - table: findings grouped by Threat Matrix tactic, in matrix order, with
//     severity, technique, check, object, file:line, field path and
//     message, then counts by severity, exceptions and load errors. A
//     finding whose techniques sit under several tactics is listed under the
//     first and names the others.
//   - matrix: the matrix grid, one column per tactic, with the number of
//     findings per technique; a heat map by highest severity when colour is
//     on.
//   - json: the Report as one JSON document (schema below).
//   - sarif: SARIF 2.1.0 for code-scanning tools: one run, one rule per
//     check, one result per finding located at the object's first line in
//     its file, relative to the scan root (%SRCROOT%).
//   - junit: JUnit XML with one testsuite per check and one testcase per
//     (check, object).
//   - html: one self-contained HTML file (inline CSS and JavaScript, no
//     external resources) with the matrix heat map and the findings with
//     remediation, filterable by severity, tactic and text.
//
// All formats live in this one package, one file each, rather than in
// report/<format> packages: they share the Report model and the views
// derived from the catalog (tactic grouping, matrix grid, severity counts),
// which would otherwise have to be exported for the sibling packages, and
// the CLI gets one entry point, Write, over the Formats list.
//
// Colour (table and matrix) is used only when Options.Color is set; the
// CLI sets it when writing to a terminal.
//
// Reports never add object content: every text comes from the checks
// (which never quote secret values) or from object references and paths.
//
// # JSON schema
//
// The json format is stable within schemaVersion
// "landfall.dev/scan-report/v1alpha1"; fields are only added, never renamed
// or removed, in that version. Severities are strings ("low", "medium",
// "high", "critical"). Arrays are always present (possibly empty).
//
//	{
//	  "schemaVersion": "landfall.dev/scan-report/v1alpha1",
//	  "root":     string,        // scan root the file paths are relative to
//	  "summary": {
//	    "objects": int, "files": int, "findings": int, "suppressed": int,
//	    "loadErrors": int,
//	    "bySeverity": {"critical": int, "high": int, "medium": int, "low": int}
//	  },
//	  "checks": [{"id", "title", "severity", "techniques": [string],
//	              "description", "remediation"}],
//	  "findings": [{"id", "check", "title", "severity",
//	                "techniques": [string], "tactics": [string],
//	                "object": {"apiVersion", "kind", "namespace"?, "name"},
//	                "source": {"file"?, "line"?, "cluster"?},
//	                "path"?, "message", "remediation"}],
//	  "suppressed": [{...finding fields, "suppressedBy": {"by", "reason"}}],
//	  "exceptions": [{"source", "file"?, "line"?, "checks": [string],
//	                  "resource", "reason"?, "expires"?,
//	                  "status": "applied"|"unmatched"|"expired"|"invalid",
//	                  "matched": int, "problem"?}],
//	  "loadErrors": [{"file", "line"?, "message"}],
//	  "notes": [string],
//	  "files": [string],
//	  "completeness"?: {              // live-cluster scans only
//	    "cluster", "namespace"?, "percent": int,
//	    "kindsNeeded": int, "kindsAssessed": int,
//	    "kinds": [{"kind", "resource"?, "listed": int, "status"}],
//	    "notAssessed": [{...kind fields}],   // status "not assessed: ..."
//	    "skipped": [string],                 // cluster-scoped, with a namespace
//	    "checksNotAssessed": [{"id", "reason"}]
//	  }
//	}
//
// tactics are the tactic IDs (for example "privilege-escalation") of the
// finding's techniques in matrix order; the first is the one the table
// groups it under. Findings are sorted by file, line, check, object and
// path.
package report
