package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserConsultationReport opens the report of the demo's round 2
// once it has three participants (a reviewer from a ministry with a long
// name, who comments; an editor who replies and only replies; the admin),
// the admin's suggestion applied and the reviewer's comment not accepted,
// at 1366 and 390 px: the header block shows the period (open), the
// participants and the counts, the applied version and the replies; the
// page is no wider than the screen and axe finds nothing serious. The
// screenshots are saved (POLICYDESK_SCREENSHOTS).
func TestBrowserConsultationReport(t *testing.T) {
	axe := axeScript(t)
	d := startDemoDesk(t, 3*time.Minute)
	docAPI := fmt.Sprintf("/api/v1/documents/%d", d.doc.ID)
	for _, login := range []string{"besa", "drita"} {
		d.admin.call(t, "PUT", docAPI+"/members/"+login, map[string]string{"role": map[string]string{"besa": "reviewer", "drita": "editor"}[login]}, nil)
	}
	var comments struct{ Comments []struct{ ID int64 } }
	d.admin.call(t, "GET", docAPI+"/rounds/2/comments", nil, &comments)
	applied := comments.Comments[0].ID
	besa, drita := loginAPI(t, d.srv.URL, "besa", demoPassword), loginAPI(t, d.srv.URL, "drita", demoPassword)
	var c struct{ ID int64 }
	besa.call(t, "POST", docAPI+"/comments", map[string]any{"version": d.doc.Head, "round": 2,
		"quote": "interesit më të mirë të fëmijës", "body": "Predlažemo da se doda i stav o roditeljima."}, &c)
	drita.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/replies", c.ID), map[string]any{"body": "Prindërit përmenden në nenin 5."}, nil)
	d.admin.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/decision", c.ID), map[string]any{"decision": "rejected",
		"reason": "Neni 5 e rregullon këtë çështje."}, nil)
	d.admin.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/apply", applied), map[string]any{"base": d.doc.Head}, nil)

	page := a11yPage{"report-complete", fmt.Sprintf("/documents/%d/rounds/2/report", d.doc.ID), `!!document.querySelector("#report-participants")`}
	for _, size := range browserSizes {
		d.open(t, size, page)
		d.checkPage(t, size.name, page.name, axe)
		text, err := chromedp.Run(d.ctx, chromedp.Text(chromedp.CSS("section.report-body")))
		if err != nil {
			t.Fatal(err)
		}
		text = strings.Join(strings.Fields(text), " ")
		for _, w := range []string{"Periudha e konsultimit", "i hapur, ende i pambyllur", "Besa Gashi", "Drita Berisha",
			"E papranuar 1", "Përgjigje 2", fmt.Sprintf("zbatuar në versionin %d", d.doc.Head+1), "Prindërit përmenden në nenin 5."} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the report lacks %q: %s", size.name, w, text)
			}
		}
	}
}
