// Every wire message, for code that handles them all (the handshake engine, fuzzers).
#pragma once

#include <tls12/tls/msgs/alert.h>
#include <tls12/tls/msgs/certificate.h>
#include <tls12/tls/msgs/certificate13.h>
#include <tls12/tls/msgs/certificate_request.h>
#include <tls12/tls/msgs/certificate_request13.h>
#include <tls12/tls/msgs/certificate_verify.h>
#include <tls12/tls/msgs/change_cipher_spec.h>
#include <tls12/tls/msgs/client_hello.h>
#include <tls12/tls/msgs/client_key_exchange.h>
#include <tls12/tls/msgs/encrypted_extensions.h>
#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/finished.h>
#include <tls12/tls/msgs/finished13.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/msgs/hello_request.h>
#include <tls12/tls/msgs/key_update.h>
#include <tls12/tls/msgs/new_session_ticket.h>
#include <tls12/tls/msgs/new_session_ticket13.h>
#include <tls12/tls/msgs/server_hello.h>
#include <tls12/tls/msgs/server_hello_done.h>
#include <tls12/tls/msgs/server_key_exchange.h>
