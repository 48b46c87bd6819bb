package localcluster_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// auditEvent is the part of an audit.k8s.io/v1 Event the tests look at.
type auditEvent struct {
	Verb      string                    `json:"verb"`
	Stage     string                    `json:"stage"`
	User      struct{ Username string } `json:"user"`
	ObjectRef *struct {
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
}

func readAudit(t *testing.T, path string) (events []auditEvent, raw string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading audit log: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev auditEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("audit log line is not JSON: %v", err)
		}
		events = append(events, ev)
	}
	return events, string(data)
}

func TestCluster_AuditLogRecordsSecretReadAndExec(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	admin := env.Admin(t)
	const secretValue = "landfall-test-secret-value-7f3a"

	_, err := admin.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		StringData: map[string]string{"password": secretValue},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = env.User(t, "platform-admin").CoreV1().Secrets(ns).Get(t.Context(), "db", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	_, err = admin.CoreV1().Pods(ns).Create(t.Context(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "shell"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.example/app:1.0"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	// There is no kubelet behind simulated nodes, so the exec itself fails;
	// the API server still authorizes and audits it.
	_ = admin.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("shell").SubResource("exec").
		Param("container", "c").Param("command", "id").Param("stdout", "true").Do(t.Context()).Error()

	path := env.Cluster(t).AuditLogPath()
	g.Eventually(func(g Gomega) {
		events, raw := readAudit(t, path)
		var secretRead, exec bool
		for _, ev := range events {
			if ev.ObjectRef == nil || ev.ObjectRef.Namespace != ns {
				continue
			}
			if ev.Verb == "get" && ev.ObjectRef.Resource == "secrets" && ev.ObjectRef.Name == "db" && ev.User.Username == "platform-admin" {
				secretRead = true
			}
			if ev.ObjectRef.Resource == "pods" && ev.ObjectRef.Subresource == "exec" && ev.ObjectRef.Name == "shell" {
				exec = true
			}
		}
		g.Expect(secretRead).To(BeTrue(), "no audit event for the secret read")
		g.Expect(exec).To(BeTrue(), "no audit event for pods/exec")
		// Secrets are audited at Metadata level: values never reach the log.
		g.Expect(raw).NotTo(ContainSubstring(secretValue))
	}, 10*time.Second, 200*time.Millisecond).Should(Succeed())
}
