package detect

import (
	"crypto/x509"
	"errors"
)

func x509Pool(pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no certificate in CA data")
	}
	return pool, nil
}
