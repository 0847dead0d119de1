import Testing
@Test func placeholderSMTP() {}
