curl -u myApp:mySecret -X PUT \
  -d "to=john@example.com&provider=smtp" \
  http://gateway:9000/api/otp/4f9c2e1a-email-john
