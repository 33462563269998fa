// The x509 layer in one include: loading, trust stores, chain and host name verification.
#pragma once

#include "x509/certificate.h"
#include "x509/error.h"
#include "x509/hostname.h"
#include "x509/trust_store.h"
#include "x509/verify.h"
