package webhook

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/rbac"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// ConfigurationName names both webhook configurations.
const ConfigurationName = "landfall-tenancy"

// ClientConfigFunc returns how the API server reaches the handler at path.
type ClientConfigFunc func(path string) admissionregistrationv1.WebhookClientConfig

// URLClientConfig reaches the handlers at base (https://host:port) with a
// server certificate signed by caBundle: for tests and out-of-cluster
// managers.
func URLClientConfig(base string, caBundle []byte) ClientConfigFunc {
	return func(path string) admissionregistrationv1.WebhookClientConfig {
		url := base + path
		return admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caBundle}
	}
}

// ServiceClientConfig reaches the handlers through a Service.
func ServiceClientConfig(namespace, name string, port int32, caBundle []byte) ClientConfigFunc {
	return func(path string) admissionregistrationv1.WebhookClientConfig {
		p := path
		return admissionregistrationv1.WebhookClientConfig{
			Service:  &admissionregistrationv1.ServiceReference{Namespace: namespace, Name: name, Path: &p, Port: &port},
			CABundle: caBundle,
		}
	}
}

// quotaRules are the rules of the quota webhook: creates of
// tenancy.QuotaResources.
func quotaRules() []admissionregistrationv1.RuleWithOperations {
	return rulesByGroup(tenancy.QuotaResources, admissionregistrationv1.Create)
}

// quotaUpdateRules are the rules of the quota update webhook: updates of
// tenancy.QuotaUpdates.
func quotaUpdateRules() []admissionregistrationv1.RuleWithOperations {
	resources := make([]schema.GroupResource, 0, len(tenancy.QuotaUpdates))
	for _, u := range tenancy.QuotaUpdates {
		gr := u.GroupResource
		if u.Subresource != "" {
			gr.Resource += "/" + u.Subresource
		}
		resources = append(resources, gr)
	}
	return rulesByGroup(resources, admissionregistrationv1.Update)
}

// rulesByGroup returns one rule for op per API group of resources, in
// the order the groups first appear.
func rulesByGroup(resources []schema.GroupResource, op admissionregistrationv1.OperationType) []admissionregistrationv1.RuleWithOperations {
	var groups []string
	byGroup := map[string][]string{}
	for _, gr := range resources {
		if _, ok := byGroup[gr.Group]; !ok {
			groups = append(groups, gr.Group)
		}
		byGroup[gr.Group] = append(byGroup[gr.Group], gr.Resource)
	}
	rules := make([]admissionregistrationv1.RuleWithOperations, 0, len(groups))
	for _, g := range groups {
		rules = append(rules, rule([]string{g}, byGroup[g], op))
	}
	return rules
}

// usageFieldsChanged leaves out the updates that change none of the
// fields usage is made of, so the fail-closed quota webhook is called for
// the few that can raise it: a pod resize; a claim's resources; a
// Service's type, ports or node-port allocation. Binding a claim to its
// volume (spec.volumeName) or relabelling an object does not depend on
// the webhook.
var usageFieldsChanged = admissionregistrationv1.MatchCondition{
	Name: "usage-fields-changed",
	Expression: `request.resource.resource == "pods" ||
(request.resource.resource == "persistentvolumeclaims" &&
  (!has(object.spec.resources) || !has(oldObject.spec.resources) || object.spec.resources != oldObject.spec.resources)) ||
(request.resource.resource == "services" &&
  (!has(object.spec.type) || !has(oldObject.spec.type) || object.spec.type != oldObject.spec.type ||
   !has(object.spec.ports) || !has(oldObject.spec.ports) || object.spec.ports != oldObject.spec.ports ||
   has(object.spec.allocateLoadBalancerNodePorts) != has(oldObject.spec.allocateLoadBalancerNodePorts) ||
   (has(object.spec.allocateLoadBalancerNodePorts) && object.spec.allocateLoadBalancerNodePorts != oldObject.spec.allocateLoadBalancerNodePorts)))`,
}

// Configurations returns the validating and mutating webhook
// configurations of the tenancy webhooks. Each failure policy is chosen
// deliberately:
//
//   - spaces (Fail): without it any tenant allowed to create Spaces could
//     create them for any account or past the limit. It covers one CRD, so
//     an outage only stops Space writes.
//   - namespaces (Fail): a forged landfall.dev/account label would open
//     another account's NetworkPolicies. The control-plane namespaces are
//     excluded so an outage cannot block kube-system.
//   - template objects (Fail): tenants must not delete their LimitRange or
//     NetworkPolicies. The object selector limits it to objects labelled
//     landfall.dev/template in tenant spaces.
//   - account quota (Fail): failing open would let creates overshoot the
//     quota. The namespace selector limits it to tenant spaces and a fixed
//     resource list, and a match condition leaves out the root CA
//     ConfigMap every namespace gets (notRootCAConfigMap); the ledger
//     lives on the AccountQuota, so two replicas serve it safely and a
//     restart loses nothing.
//   - account quota updates (Fail): for the same reason; otherwise a
//     ClusterIP Service turned LoadBalancer, an expanded claim or a
//     resized pod would go past the quota. Only updates that can raise
//     usage (quotaUpdateRules) and change a field usage is made of
//     (usageFieldsChanged) reach it.
//   - promotion approval (Fail): see promotionWebhook; called only for
//     requests that set or change spec.approval.
//   - space defaulting, mutating (Ignore): it only adds the account label,
//     created-by annotation and finalizer, which nothing trusts for
//     security (the reconciler adds the finalizer if it is missing).
//
// The namespace and template-object webhooks exempt the platform
// identities first thing; their match condition (platformExempt) makes
// the API server skip the call for ManagerIdentities, so the manager's
// own namespace and template applies (six per space) cost no webhook
// round trip. Identities configured beyond those still reach the
// handlers, which exempt them.
func Configurations(cc ClientConfigFunc) (*admissionregistrationv1.ValidatingWebhookConfiguration, *admissionregistrationv1.MutatingWebhookConfiguration) {
	fail, ignore := admissionregistrationv1.Fail, admissionregistrationv1.Ignore
	none := admissionregistrationv1.SideEffectClassNone
	noneOnDryRun := admissionregistrationv1.SideEffectClassNoneOnDryRun
	timeout := int32(10)
	tenantSpaces := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: tenancy.LabelAccount, Operator: metav1.LabelSelectorOpExists}}}
	versions := []string{"v1"}
	notPlatform := []admissionregistrationv1.MatchCondition{platformExempt(ManagerIdentities())}
	v := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: ConfigurationName},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{
			{
				Name: "spaces.landfall.dev", ClientConfig: cc(SpaceValidatePath),
				Rules:         []admissionregistrationv1.RuleWithOperations{rule([]string{landfallv1alpha1.Group}, []string{"spaces"}, admissionregistrationv1.Create, admissionregistrationv1.Update)},
				FailurePolicy: &fail, SideEffects: &none, TimeoutSeconds: &timeout, AdmissionReviewVersions: versions,
			},
			{
				Name: "namespaces.landfall.dev", ClientConfig: cc(NamespaceValidatePath),
				Rules:           []admissionregistrationv1.RuleWithOperations{rule([]string{""}, []string{"namespaces"}, admissionregistrationv1.Create, admissionregistrationv1.Update)},
				MatchConditions: notPlatform,
				NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
					Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kube-system", "kube-public", "kube-node-lease"},
				}}},
				FailurePolicy: &fail, SideEffects: &none, TimeoutSeconds: &timeout, AdmissionReviewVersions: versions,
			},
			{
				Name: "template-objects.landfall.dev", ClientConfig: cc(TemplateObjectValidatePath),
				Rules:             []admissionregistrationv1.RuleWithOperations{rule([]string{"*"}, []string{"*"}, admissionregistrationv1.Create, admissionregistrationv1.Update, admissionregistrationv1.Delete)},
				NamespaceSelector: tenantSpaces,
				ObjectSelector:    &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: tenancy.LabelTemplate, Operator: metav1.LabelSelectorOpExists}}},
				MatchConditions:   notPlatform,
				FailurePolicy:     &fail, SideEffects: &none, TimeoutSeconds: &timeout, AdmissionReviewVersions: versions,
			},
			{
				Name: "account-quota.landfall.dev", ClientConfig: cc(QuotaValidatePath),
				Rules:             quotaRules(),
				NamespaceSelector: tenantSpaces,
				MatchConditions:   []admissionregistrationv1.MatchCondition{notRootCAConfigMap},
				// The ledger write is skipped on dry runs.
				FailurePolicy: &fail, SideEffects: &noneOnDryRun, TimeoutSeconds: &timeout, AdmissionReviewVersions: versions,
			},
			{
				Name: "account-quota-updates.landfall.dev", ClientConfig: cc(QuotaValidatePath),
				Rules:             quotaUpdateRules(),
				NamespaceSelector: tenantSpaces,
				MatchConditions:   []admissionregistrationv1.MatchCondition{usageFieldsChanged},
				FailurePolicy:     &fail, SideEffects: &noneOnDryRun, TimeoutSeconds: &timeout, AdmissionReviewVersions: versions,
			},
			promotionWebhook(cc),
		},
	}
	m := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: ConfigurationName},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name: "spaces.landfall.dev", ClientConfig: cc(SpaceMutatePath),
			Rules:         []admissionregistrationv1.RuleWithOperations{rule([]string{landfallv1alpha1.Group}, []string{"spaces"}, admissionregistrationv1.Create, admissionregistrationv1.Update)},
			FailurePolicy: &ignore, SideEffects: &none, TimeoutSeconds: &timeout, AdmissionReviewVersions: versions,
		}},
	}
	return v, m
}

// notRootCAConfigMap skips the account quota webhook for the
// kube-root-ca.crt ConfigMap that the controller manager publishes into
// every new namespace. Reserving it would put a fail-closed webhook
// call in front of every new space's CA bundle (without it no pod of the
// space can verify the API server), and denying it when the account is
// at its ConfigMap limit would break the space, not stop a tenant. It
// still counts in the account's usage, which the AccountQuota reconciler
// takes from the objects that exist.
var notRootCAConfigMap = admissionregistrationv1.MatchCondition{
	Name:       "not-root-ca-configmap",
	Expression: `!(request.resource.group == "" && request.resource.resource == "configmaps" && request.name == "kube-root-ca.crt")`,
}

// ManagerIdentities are the exemptions of landfall manager: the defaults
// and the manager's own ServiceAccount.
func ManagerIdentities() Identities {
	ids := DefaultIdentities()
	ids.Users = append(ids.Users, rbac.ServiceAccountUser)
	return ids
}

// platformExempt is a match condition that is false for the exempt
// identities, so the API server does not call the webhook for them.
func platformExempt(ids Identities) admissionregistrationv1.MatchCondition {
	quote := func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return admissionregistrationv1.MatchCondition{
		Name: "not-platform",
		Expression: fmt.Sprintf("!(request.userInfo.username in %s) && !request.userInfo.groups.exists(g, g in %s)",
			quote(ids.Users), quote(ids.Groups)),
	}
}

func rule(groups, resources []string, ops ...admissionregistrationv1.OperationType) admissionregistrationv1.RuleWithOperations {
	scope := admissionregistrationv1.AllScopes
	return admissionregistrationv1.RuleWithOperations{
		Operations: ops,
		Rule:       admissionregistrationv1.Rule{APIGroups: groups, APIVersions: []string{"*"}, Resources: resources, Scope: &scope},
	}
}

// Install creates or replaces both webhook configurations.
func Install(ctx context.Context, c client.Client, cc ClientConfigFunc) error {
	v, m := Configurations(cc)
	for _, obj := range []client.Object{v, m} {
		existing := obj.DeepCopyObject().(client.Object)
		err := c.Get(ctx, client.ObjectKeyFromObject(obj), existing)
		switch {
		case apierrors.IsNotFound(err):
			err = c.Create(ctx, obj)
		case err == nil:
			obj.SetResourceVersion(existing.GetResourceVersion())
			err = c.Update(ctx, obj)
		}
		if err != nil {
			return fmt.Errorf("installing webhook configuration %T %s: %w", obj, obj.GetName(), err)
		}
	}
	return nil
}
