// PEM checks with OpenSSL, the library gRPC itself loads the material with, so
// that what passes here is what gRPC accepts.
#include "quiver/flight/tls_material_internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <memory>
#include <string>
#include <string_view>

#include "quiver/flight/types.h"
#include "quiver/result.h"

namespace quiver::flight::internal {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

constexpr std::string_view kCertificateHeader = "-----BEGIN CERTIFICATE-----";

// OpenSSL's reason for the last failure on this thread; the error queue is emptied
// so that nothing stale reaches gRPC's own loading later.
std::string TakeOpenSslReason() {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

// Refuses to prompt on the terminal for a passphrase (OpenSSL's default when none
// is given): an encrypted key fails to load instead.
int NoPassphrase(char*, int, int, void*) { return 0; }

// A hint for text that is a file name rather than PEM.
std::string PathHint(std::string_view text) {
  const bool one_line = text.find('\n') == std::string_view::npos;
  if (one_line && text.size() < 4096 && !text.empty()) return " (it looks like a file name: pass the file's contents)";
  return "";
}

Result<BioPtr> OpenPem(std::string_view pem, std::string_view what) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) return Status::Invalid(what, " is larger than 2 GiB");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Status::OutOfMemory("could not read ", what);
  return bio;
}

// Every certificate in `pem` (a chain or a bundle of roots); the first one back.
Result<X509Ptr> CheckCertificates(std::string_view pem, std::string_view what) {
  if (pem.empty()) return Status::Invalid(what, " is empty: expected PEM certificates");
  // Counted first, so that the end of the text is never mistaken for a bad block.
  size_t count = 0;
  for (size_t at = pem.find(kCertificateHeader); at != std::string_view::npos;
       at = pem.find(kCertificateHeader, at + kCertificateHeader.size())) {
    ++count;
  }
  if (count == 0) {
    if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
      return Status::Invalid(what, " holds a private key, not a certificate (are the certificate and key swapped?)");
    }
    return Status::Invalid(what, " holds no PEM certificate: expected a '", kCertificateHeader, "' block",
                           PathHint(pem));
  }
  QUIVER_ASSIGN_OR_RAISE(BioPtr bio, OpenPem(pem, what));
  X509Ptr first;
  for (size_t i = 0; i < count; ++i) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
    if (cert == nullptr) {
      return Status::Invalid("certificate ", i + 1, " of ", count, " in ", what,
                             " cannot be read: ", TakeOpenSslReason());
    }
    if (i == 0) first = std::move(cert);
  }
  ERR_clear_error();
  return first;
}

Result<KeyPtr> CheckPrivateKey(std::string_view pem, std::string_view what) {
  if (pem.empty()) return Status::Invalid(what, " is empty: expected a PEM private key");
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos) {
    if (pem.find(kCertificateHeader) != std::string_view::npos) {
      return Status::Invalid(what, " holds a certificate, not a private key (are the key and certificate swapped?)");
    }
    return Status::Invalid(what, " holds no PEM private key: expected a '-----BEGIN PRIVATE KEY-----' block",
                           PathHint(pem));
  }
  if (pem.find("ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    return Status::Invalid(what, " is protected by a passphrase, which Flight cannot supply: decrypt it first "
                           "(openssl pkey -in key.pem -out plain-key.pem)");
  }
  QUIVER_ASSIGN_OR_RAISE(BioPtr bio, OpenPem(pem, what));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) return Status::Invalid(what, " cannot be read: ", TakeOpenSslReason());
  ERR_clear_error();
  return key;
}

// A certificate chain and the key of its first certificate.
Status CheckIdentity(std::string_view pem_cert, std::string_view pem_key, const std::string& cert_what,
                     const std::string& key_what) {
  QUIVER_ASSIGN_OR_RAISE(X509Ptr leaf, CheckCertificates(pem_cert, cert_what));
  QUIVER_ASSIGN_OR_RAISE(KeyPtr key, CheckPrivateKey(pem_key, key_what));
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::Invalid(key_what, " is not the private key of the first certificate in ", cert_what);
  }
  return Status::OK();
}

}  // namespace

Status CheckServerTlsMaterial(const FlightServerOptions& options) {
  if (options.location.scheme() != kSchemeGrpcTls) return Status::OK();
  for (size_t i = 0; i < options.tls_certificates.size(); ++i) {
    const std::string pair = "tls_certificates[" + std::to_string(i) + "]";
    QUIVER_RETURN_NOT_OK(CheckIdentity(options.tls_certificates[i].pem_cert, options.tls_certificates[i].pem_key,
                                       "the certificate of " + pair, "the private key of " + pair));
  }
  if (options.verify_client) {
    if (options.root_certificates.empty()) {
      return Status::Invalid("verify_client needs root_certificates: the PEM roots client certificates are checked "
                             "against");
    }
    QUIVER_RETURN_NOT_OK(CheckCertificates(options.root_certificates, "root_certificates").status());
  }
  return Status::OK();
}

Status CheckClientTlsMaterial(const FlightClientOptions& options) {
  if (!options.tls_root_certs.empty()) {
    QUIVER_RETURN_NOT_OK(CheckCertificates(options.tls_root_certs, "tls_root_certs").status());
  }
  if (options.cert_chain.empty() != options.private_key.empty()) {
    return Status::Invalid("mutual TLS needs both cert_chain and private_key; only ",
                           options.cert_chain.empty() ? "private_key" : "cert_chain", " was given");
  }
  if (!options.cert_chain.empty()) {
    QUIVER_RETURN_NOT_OK(CheckIdentity(options.cert_chain, options.private_key, "cert_chain", "private_key"));
  }
  return Status::OK();
}

}  // namespace quiver::flight::internal
