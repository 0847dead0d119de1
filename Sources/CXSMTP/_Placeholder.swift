enum CXSMTPPlaceholder {}
