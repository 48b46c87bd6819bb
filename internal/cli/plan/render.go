package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/landfall-dev/landfall/internal/fleet"
)

// ANSI styles of the ratings on a terminal.
var ratingStyle = map[fleet.Rating]string{
	fleet.RatingGreen:  "\x1b[32m",
	fleet.RatingYellow: "\x1b[33m",
	fleet.RatingBrown:  "\x1b[38;5;130m",
	fleet.RatingRed:    "\x1b[31m",
}

const (
	styleBold  = "\x1b[1m"
	styleReset = "\x1b[0m"
)

// render writes the plan in format.
func render(w io.Writer, format string, p *fleet.Plan, color bool) error {
	switch format {
	case outputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			return fmt.Errorf("writing json: %w", err)
		}
		return nil
	case outputMarkdown:
		_, err := io.WriteString(w, markdown(p))
		return err
	default:
		_, err := io.WriteString(w, table(p, color))
		return err
	}
}

// table is the terminal rendering: rating words, coloured on a terminal,
// padded before colouring so columns line up either way.
func table(p *fleet.Plan, color bool) string {
	paint := func(style, s string) string {
		if !color {
			return s
		}
		return style + s + styleReset
	}
	var b strings.Builder
	w := p.Weights
	fmt.Fprintf(&b, "Profile %s: security need %.2f, weights cost %g, management %g, elasticity %g, security %g\n\n",
		p.Profile, p.SecurityNeed, w.Cost, w.Management, w.Elasticity, w.Security)
	titleWidth := len("topology")
	for _, r := range p.Topologies {
		titleWidth = max(titleWidth, len(r.Title))
	}
	header := fmt.Sprintf("%-*s  %-8s  %-10s  %-10s  %-10s  %-8s  %s", titleWidth, "TOPOLOGY", "CLUSTERS", "COST", "MANAGEMENT", "ELASTICITY", "SECURITY", "FIT")
	b.WriteString(paint(styleBold, header) + "\n")
	for _, r := range p.Topologies {
		fmt.Fprintf(&b, "%-*s  %-8d", titleWidth, r.Title, len(r.Clusters))
		for i, s := range r.Scores {
			width := []int{10, 10, 10, 8}[i]
			b.WriteString("  " + paint(ratingStyle[s.Rating], fmt.Sprintf("%-*s", width, s.Rating)))
		}
		fmt.Fprintf(&b, "  %.1f\n", r.Fit)
	}
	b.WriteString("\nRanking (weighted geometric mean of the scores):\n")
	for i, t := range p.Ranking {
		r := p.Result(t)
		fmt.Fprintf(&b, "  %d. %s (%.1f)\n", i+1, r.Title, r.Fit)
	}
	fmt.Fprintf(&b, "\nRecommendation: %s\n", paint(styleBold, p.Recommended().Title))
	for _, reason := range p.Reasons {
		fmt.Fprintf(&b, "  - %s\n", reason)
	}
	b.WriteString("\nWhat drove each score:\n")
	for _, r := range p.Topologies {
		fmt.Fprintf(&b, "  %s\n", r.Title)
		for _, s := range r.Scores {
			fmt.Fprintf(&b, "    %-10s  %s %5.1f  ", s.Axis, paint(ratingStyle[s.Rating], fmt.Sprintf("%-6s", s.Rating)), s.Value)
			for i, f := range s.Factors {
				if i > 0 {
					b.WriteString("; ")
				}
				fmt.Fprintf(&b, "%s (%s)", f.Name, f.Detail)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// markdown renders the table exactly in the shape, then the
// ranking and the factors.
func markdown(p *fleet.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Cluster topology for %s\n\n", p.Profile)
	b.WriteString("| topology | cost | management | elasticity | security |\n|---|---|---|---|---|\n")
	for _, r := range p.Topologies {
		fmt.Fprintf(&b, "| %s |", r.Title)
		for _, s := range r.Scores {
			fmt.Fprintf(&b, " %s |", s.Rating)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n(green best, then yellow, brown, red)\n\n### Ranking\n\n| rank | topology | clusters | fit |\n|---|---|---|---|\n")
	for i, t := range p.Ranking {
		r := p.Result(t)
		fmt.Fprintf(&b, "| %d | %s | %d | %.1f |\n", i+1, r.Title, len(r.Clusters), r.Fit)
	}
	fmt.Fprintf(&b, "\n**Recommendation: %s**\n\n", p.Recommended().Title)
	for _, reason := range p.Reasons {
		fmt.Fprintf(&b, "- %s\n", reason)
	}
	b.WriteString("\n### What drove each score\n\n| topology | axis | rating | score | factors |\n|---|---|---|---|---|\n")
	for _, r := range p.Topologies {
		for _, s := range r.Scores {
			var fs []string
			for _, f := range s.Factors {
				fs = append(fs, f.Name+" ("+f.Detail+")")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %.1f | %s |\n", r.Title, s.Axis, s.Rating, s.Value, strings.Join(fs, "; "))
		}
	}
	return b.String()
}

// renderDrift writes the deviations of the registered fleet.
func renderDrift(w io.Writer, format string, t fleet.Topology, clusters int, devs []fleet.Deviation) error {
	switch format {
	case outputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if devs == nil {
			devs = []fleet.Deviation{}
		}
		if err := enc.Encode(struct {
			Topology   fleet.Topology    `json:"topology"`
			Clusters   int               `json:"clusters"`
			Deviations []fleet.Deviation `json:"deviations"`
		}{t, clusters, devs}); err != nil {
			return fmt.Errorf("writing json: %w", err)
		}
		return nil
	default:
		if len(devs) == 0 {
			_, err := fmt.Fprintf(w, "The fleet (%d clusters) follows the plan: %s.\n", clusters, t.Title())
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "The fleet (%d clusters) deviates from the plan (%s) in %d way(s):\n", clusters, t.Title(), len(devs))
		for _, d := range devs {
			fmt.Fprintf(&b, "  - [%s] %s\n", d.Kind, d.Message)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
}
