// Every wire message, for code that handles them all (the handshake engine, fuzzers).
#pragma once

#include "tls/msgs/alert.h"
#include "tls/msgs/certificate.h"
#include "tls/msgs/certificate_request.h"
#include "tls/msgs/certificate_verify.h"
#include "tls/msgs/change_cipher_spec.h"
#include "tls/msgs/client_hello.h"
#include "tls/msgs/client_key_exchange.h"
#include "tls/msgs/extensions.h"
#include "tls/msgs/finished.h"
#include "tls/msgs/handshake.h"
#include "tls/msgs/hello_request.h"
#include "tls/msgs/new_session_ticket.h"
#include "tls/msgs/server_hello.h"
#include "tls/msgs/server_hello_done.h"
#include "tls/msgs/server_key_exchange.h"
