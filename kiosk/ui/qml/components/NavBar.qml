import QtQuick

// Bottom bar: back on the left, the main action on the right.
Item {
    id: nav
    property bool showBack: true
    property string nextText: ""
    property bool nextEnabled: true
    property string backText: i18n.t.nav_back
    property string backName: "backButton"
    property string nextName: "nextButton"
    signal back()
    signal next()
    implicitHeight: Math.max(units.mm(22), backBtn.implicitHeight, nextBtn.implicitHeight)
    KButton {
        id: backBtn
        objectName: nav.backName
        visible: nav.showBack
        anchors.left: parent.left
        anchors.verticalCenter: parent.verticalCenter
        text: nav.backText
        kind: "secondary"
        onClicked: nav.back()
    }
    KButton {
        id: nextBtn
        objectName: nav.nextName
        visible: nav.nextText.length > 0
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        text: nav.nextText
        enabledState: nav.nextEnabled
        onClicked: nav.next()
    }
}
