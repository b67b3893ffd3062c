curl -u myApp:9f2c4e1b7a5d3e8c -X PUT \
  -d "to=john@example.com&provider=smtp" \
  http://gateway:9000/api/otp/4f9c2e1a-email-john
