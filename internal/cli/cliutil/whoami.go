package cliutil

import (
	"context"
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// WhoAmI returns the user the API server knows the caller as (a
// SelfSubjectReview): the name and groups that RBAC and admission see.
func WhoAmI(ctx context.Context, c client.Client) (authenticationv1.UserInfo, error) {
	review := &authenticationv1.SelfSubjectReview{}
	if err := c.Create(ctx, review); err != nil {
		return authenticationv1.UserInfo{}, fmt.Errorf("asking the API server who you are: %w", err)
	}
	return review.Status.UserInfo, nil
}
