package simulator

// NUBAN is the CBN's 10-digit Nigeria Uniform Bank Account Number: a 9-digit serial
// and a check digit computed over the 3-digit bank code and the serial.

var nubanWeights = [12]int{3, 7, 3, 3, 7, 3, 3, 7, 3, 3, 7, 3}

// nubanCheckDigit returns the check digit of a 3-digit bank code and a 9-digit
// serial, both of ASCII digits: (10 − Σ dᵢ·wᵢ mod 10) mod 10.
func nubanCheckDigit(bankCode, serial string) byte {
	sum := 0
	for i := 0; i < 3; i++ {
		sum += int(bankCode[i]-'0') * nubanWeights[i]
	}
	for i := 0; i < 9; i++ {
		sum += int(serial[i]-'0') * nubanWeights[3+i]
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidNUBAN reports whether number is a 10-digit NUBAN whose check digit is right
// for the 3-digit CBN bank code.
func ValidNUBAN(bankCode, number string) bool {
	if len(bankCode) != 3 || len(number) != 10 || !allDigits(bankCode) || !allDigits(number) {
		return false
	}
	return nubanCheckDigit(bankCode, number[:9]) == number[9]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
