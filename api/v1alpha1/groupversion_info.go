package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group is the API group of every Landfall resource.
const Group = "landfall.dev"

// Version is the API version of this package.
const Version = "v1alpha1"

var (
	// GroupVersion is the group version of the types in this package.
	GroupVersion = schema.GroupVersion{Group: Group, Version: Version}

	// SchemeBuilder adds the types in this group-version to a scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types in this group-version to the given scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes registers every Kind of the package. The list is explicit
// (no init registration), so adding a Kind is one line here.
func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&Cluster{}, &ClusterList{},
		&Account{}, &AccountList{},
		&Space{}, &SpaceList{},
		&Template{}, &TemplateList{},
		&TemplateInstance{}, &TemplateInstanceList{},
		&AccountQuota{}, &AccountQuotaList{},
		&PostureReport{}, &PostureReportList{}, &PostureFindings{}, &PostureFindingsList{},
		&Environment{}, &EnvironmentList{}, &Promotion{}, &PromotionList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
