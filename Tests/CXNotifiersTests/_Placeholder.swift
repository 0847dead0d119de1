import Testing
@Test func placeholderNotifiers() {}
