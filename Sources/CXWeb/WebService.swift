// The HTTP service: see WebService.swift.
enum CXWebPlaceholder {}
