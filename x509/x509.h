/// \file
/// The x509 layer in one include: loading, trust stores, chain and host name verification.
#pragma once

#include <tls12/x509/certificate.h>
#include <tls12/x509/error.h>
#include <tls12/x509/hostname.h>
#include <tls12/x509/trust_store.h>
#include <tls12/x509/verify.h>
