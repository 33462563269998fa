# `cmake --build build --target docs`: the API reference of the public headers with Doxygen
# (Debian's doxygen), into build/docs/html/. Warnings, an undocumented public name among them,
# fail the target.
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  include(${PROJECT_SOURCE_DIR}/cmake/public_headers.cmake)
  set(TLS12_DOCS_OUTPUT ${PROJECT_BINARY_DIR}/docs)
  if(TARGET tls12_asio)
    list(APPEND TLS12_PUBLIC_HEADERS ${TLS12_ASIO_PUBLIC_HEADERS})
  endif()
  list(TRANSFORM TLS12_PUBLIC_HEADERS PREPEND ${TLS12_INCLUDE_ROOT}/tls12/ OUTPUT_VARIABLE inputs)
  list(JOIN inputs " " TLS12_DOCS_INPUT)
  string(APPEND TLS12_DOCS_INPUT " ${PROJECT_SOURCE_DIR}/docs/api.md")
  configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${PROJECT_BINARY_DIR}/Doxyfile @ONLY)
  add_custom_target(docs COMMAND Doxygen::doxygen ${PROJECT_BINARY_DIR}/Doxyfile
                    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
                    COMMENT "API reference: ${TLS12_DOCS_OUTPUT}/html/index.html" VERBATIM)
endif()
