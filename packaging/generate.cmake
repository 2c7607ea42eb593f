# cmake -DCRMEXPORT=path/to/crmexport -DOUT=folder -P generate.cmake
# Writes the man page and the three completion scripts by asking crmexport for them.
file(MAKE_DIRECTORY ${OUT})
function(write_from_crmexport file)
  execute_process(COMMAND ${CRMEXPORT} ${ARGN} OUTPUT_FILE ${OUT}/${file} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "crmexport ${ARGN} failed (${status})")
  endif()
endfunction()
write_from_crmexport(crmexport.1 __man)
write_from_crmexport(crmexport.bash completion bash)
write_from_crmexport(_crmexport completion zsh)
write_from_crmexport(crmexport.fish completion fish)
# Compressed as Debian policy wants (§12.1, §12.7): gzip -9n, no name or time stored, so two
# builds give the same bytes.
function(gzip_of file)
  execute_process(COMMAND gzip -9n -c ${file} OUTPUT_FILE ${file}.gz RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip -9n ${file} failed (${status})")
  endif()
endfunction()
gzip_of(${OUT}/crmexport.1)
configure_file(${CHANGELOG_IN} ${OUT}/changelog @ONLY)
gzip_of(${OUT}/changelog)
